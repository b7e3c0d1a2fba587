#include "sim/sim_state.hpp"

namespace postfuze::sim {

Scenario SimState::Data::scenario(std::string_view platform) const {
  auto it = scenarios.find(platform);
  return it == scenarios.end() ? Scenario{} : it->second;
}

const App* SimState::Data::app(std::string_view platform, std::string_view client_id) const {
  auto it = apps.find({std::string(platform), std::string(client_id)});
  return it == apps.end() ? nullptr : &it->second;
}

Scenario SimState::scenario(std::string_view platform) {
  return with([&](Data& d) { return d.scenario(platform); });
}

PublishFaults SimState::publish_faults(std::string_view platform) {
  return with([&](Data& d) {
    auto it = d.publish_faults.find(platform);
    return it == d.publish_faults.end() ? PublishFaults{} : it->second;
  });
}

void SimState::count(std::string_view platform, Counter counter) {
  with([&](Data& d) {
    auto it = d.counters.find(platform);
    if (it == d.counters.end()) it = d.counters.emplace(std::string(platform), std::array<long, kCounterNames.size()>{}).first;
    ++it->second[static_cast<std::size_t>(counter)];
  });
}

void SimState::record(std::string_view platform, RecordedRequest request) {
  with([&](Data& d) {
    auto it = d.requests.find(platform);
    if (it == d.requests.end()) it = d.requests.emplace(std::string(platform), std::deque<RecordedRequest>{}).first;
    it->second.push_back(std::move(request));
    while (it->second.size() > kRequestLogSize) it->second.pop_front();
  });
}

void SimState::reset() {
  with([](Data& d) { d = Data{}; });
}

}  // namespace postfuze::sim
