#include <doctest/doctest.h>

#include <algorithm>

#include "feederlab/graph/topology.hpp"
#include "feederlab/validate/validate.hpp"
#include "tiny_feeders.hpp"

using namespace feederlab;

namespace {
model::BusId bus(const model::Feeder& f, const char* name) { return *f.findBus(name); }
std::string busName(const model::Feeder& f, model::BusId b) { return f.buses[static_cast<std::size_t>(b)].name; }
}  // namespace

TEST_CASE("radial tree - paths and downstream sets") {
  const auto f = test::tinyRadialFeeder();
  const auto t = graph::buildTopology(f);
  CHECK(t.root == bus(f, "src"));
  CHECK(t.bfs_order.size() == 6);
  CHECK(t.loop_branches.empty());
  CHECK(t.islands == 0);
  const auto path = graph::pathToSource(t, bus(f, "c"));
  std::vector<std::string> names;
  for (auto b : path) names.push_back(busName(f, b));
  CHECK(names == std::vector<std::string>{"c", "b", "a", "head", "src"});
  auto below = graph::downstream(t, bus(f, "a"));
  CHECK(below.size() == 4);  // a, b, d, c
  CHECK(graph::headBus(f, t) == bus(f, "head"));
  CHECK(graph::sourceSideLoads(f, t).empty());
}

TEST_CASE("open switch de-energizes the buses beyond it - closing a tie makes a loop") {
  auto f = test::tinyRadialFeeder();
  f.lines[2].open = true;  // sw
  auto t = graph::buildTopology(f);
  CHECK_FALSE(t.energized[static_cast<std::size_t>(bus(f, "c"))]);
  CHECK(t.islands == 1);
  f.lines[2].open = false;
  test::addLine(f, "tie", "c", "d", {1}, true);
  t = graph::buildTopology(f);
  CHECK(t.loop_branches.size() == 1);
}

TEST_CASE("phase-split parallel units are not loops - parallel same-phase branches are") {
  auto f = test::tinyRadialFeeder();
  test::addLine(f, "pa", "b", "e", {1});
  test::addLine(f, "pb", "b", "e", {2});
  auto t = graph::buildTopology(f);
  CHECK(t.loop_branches.empty());
  test::addLine(f, "pa2", "b", "e", {1});
  t = graph::buildTopology(f);
  CHECK(t.loop_branches.size() == 1);
}

TEST_CASE("bus nodes count only enabled elements' phase nodes") {
  auto f = test::tinyRadialFeeder();
  f.addBus("unused");
  const auto nodes = graph::busNodes(f);
  CHECK(nodes[static_cast<std::size_t>(bus(f, "d"))] == std::vector<int>{1});
  CHECK(nodes[static_cast<std::size_t>(bus(f, "unused"))].empty());
  const auto counts = validate::countFeeder(f);
  CHECK(counts.buses == 6);
  CHECK(counts.nodes == 3 * 5 + 1);
  CHECK(counts.switches == 1);
  CHECK(counts.lines == 3);
}

TEST_CASE("source-side loads: at @head and on a load-only stub") {
  auto f = test::tinyRadialFeeder();
  test::addLoad(f, "agg", "head", {1, 2, 3}, 5000.0);
  test::addLine(f, "stub", "head", "feeders");
  test::addLoad(f, "other", "feeders", {1, 2, 3}, 4000.0);
  const auto t = graph::buildTopology(f);
  auto ss = graph::sourceSideLoads(f, t);
  std::sort(ss.begin(), ss.end());
  REQUIRE(ss.size() == 2);
  CHECK(f.loads[static_cast<std::size_t>(ss[0])].name == "agg");
  CHECK(f.loads[static_cast<std::size_t>(ss[1])].name == "other");
}

TEST_CASE("validation checks on a tiny feeder") {
  auto f = test::tinyRadialFeeder();
  auto r = validate::validateFeeder(f);
  CHECK(r.summary.errors == 0);
  f.lines[1].impedance.z_per_length(0, 0) = {-1.0, 2.0};
  test::addLoad(f, "bphase", "d", {2}, 10.0);
  r = validate::validateFeeder(f);
  auto has = [&](const char* code, const char* element) {
    return std::any_of(r.findings.begin(), r.findings.end(),
                       [&](const core::Finding& x) { return x.code == code && x.element == element; });
  };
  CHECK(has("negative-impedance", "line.l2"));
  CHECK(has("phase-mismatch", "load.bphase"));
}
