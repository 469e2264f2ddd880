// Parses one feed body as `headwire feed` does and prints what it cost: the process's peak
// resident memory before and after the parse, the parse's wall time, and its outcome (items,
// damage, what its repairs guessed, or the error). One file per process, since the peak is the
// process's. With --items, prints each item as well (id, date, url, title, body digest), to compare
// two builds' output.
//
//   feed_parse_memory FILE [--items] [--max-nodes N]
//
// Crafted inputs: bench/hostile_feeds.py; the limits that bound them: FeedParseOptions.
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

#include "core/fingerprint.h"
#include "producers/feed_parser.h"

namespace {

long PeakRssKib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("Peak memory and outcome of parsing one feed body");
  std::string path;
  bool print_items = false;
  headwire::producers::FeedParseOptions options;
  app.add_option("file", path, "Feed body")->required();
  app.add_flag("--items", print_items, "Print every item");
  app.add_option("--max-nodes", options.max_nodes, "The parse's node limit")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "cannot read " << path << "\n";
    return 2;
  }
  std::stringstream text;
  text << in.rdbuf();
  const std::string body = text.str();
  headwire::producers::FeedResponse response;
  response.feed_url = "http://feed.example/feed.xml";
  const long before = PeakRssKib();
  const auto start = std::chrono::steady_clock::now();
  auto feed = headwire::producers::ParseFeed(body, response, options);
  const auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start);
  const long after = PeakRssKib();
  std::cout << "file=" << path << " bytes=" << body.size() << " rss_before_kib=" << before
            << " peak_rss_kib=" << after << " seconds=" << elapsed.count();
  if (!feed) {
    std::cout << " error=\"" << feed.error().message() << "\"\n";
    return 0;
  }
  std::cout << " items=" << feed->items.size() << " skipped=" << feed->skipped_items << " damage=\""
            << feed->damage << "\"";
  if (feed->guesses > 0) std::cout << " guesses=" << feed->guesses;
  std::cout << "\n";
  for (const std::string& note : feed->guess_notes) std::cout << "guess: " << note << "\n";
  if (print_items) {
    for (const auto& item : feed->items) {
      std::cout << item.id << '\t' << item.published_at_ms << '\t' << item.url << '\t'
                << item.language << '\t' << item.title << '\t' << headwire::core::Hex128(item.body)
                << '\n';
    }
  }
  return 0;
}
