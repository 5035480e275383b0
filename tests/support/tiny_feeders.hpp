// Small feeders built in code for unit tests (no files involved).
#pragma once

#include "feederlab/model/feeder.hpp"

namespace feederlab::test {

// src --[sub 115/12.47 kV]-- head --l1-- a --l2-- b --sw-- c (3-ph load)
//                                       a.1 --lat-- d.1 (1-ph load)
model::Feeder tinyRadialFeeder();

// Adds a three-phase line between two existing or new buses (1 ohm + j2 ohm per phase).
void addLine(model::Feeder& f, const std::string& name, const std::string& from, const std::string& to,
             std::vector<int> nodes = {1, 2, 3}, bool is_switch = false);
void addLoad(model::Feeder& f, const std::string& name, const std::string& bus, std::vector<int> nodes, double kw);

}  // namespace feederlab::test
