#include "newsq/synonyms.hpp"

#include <map>
#include <set>

#include "newsq/errors.hpp"

namespace newsq {

namespace {

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

std::vector<std::string> split_members(std::string_view text) {
  std::vector<std::string> members;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    members.push_back(trim(text.substr(start, end - start)));
    start = end + 1;
  }
  return members;
}

bool single_word(const std::string& text) { return text.find(' ') == std::string::npos; }

// The key the query parser looks up: folded, lower-cased, single spaces between words.
std::string normalise(const Analyzer& analyzer, const std::string& text) {
  const std::string folded = analyzer.fold_value(text);
  std::string out;
  bool space = false;
  for (char c : folded) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

}  // namespace

std::vector<SynonymRule> parse_synonyms(std::istream& in, const std::string& name) {
  std::vector<SynonymRule> rules;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    if (trim(line).empty()) continue;
    const auto where = name + ":" + std::to_string(number) + ": ";
    SynonymRule rule;
    rule.line = number;
    if (auto arrow = line.find("=>"); arrow != std::string::npos) {
      rule.from = split_members(std::string_view(line).substr(0, arrow));
      rule.to = split_members(std::string_view(line).substr(arrow + 2));
      for (const auto& target : rule.to)
        if (!single_word(target))
          throw Error(ErrorCode::bad_record,
                      where + "'" + target + "': a synonym target must be a single word");
    } else {
      rule.from = split_members(line);
      if (rule.from.size() < 2)
        throw Error(ErrorCode::bad_record,
                    where + "a rule needs at least two members (a, b) or a one-way a => b");
      rule.to = rule.from;
    }
    for (const auto* members : {&rule.from, &rule.to})
      for (const auto& member : *members)
        if (member.empty()) throw Error(ErrorCode::bad_record, where + "empty member");
    if (rule.from.empty() || rule.to.empty())
      throw Error(ErrorCode::bad_record, where + "a rule needs members on both sides");
    rules.push_back(std::move(rule));
  }
  return rules;
}

std::size_t replace_synonyms(Xapian::WritableDatabase& db, const std::vector<SynonymRule>& rules,
                             const Analyzer& analyzer) {
  std::map<std::string, std::set<std::string>> table;
  for (const auto& rule : rules) {
    const Xapian::Stem stemmer = Analyzer::stemmer_for("en");
    for (const auto& from_text : rule.from) {
      const std::string from = normalise(analyzer, from_text);
      for (const auto& to_text : rule.to) {
        const std::string to = normalise(analyzer, to_text);
        if (to == from || !single_word(to)) continue;
        table[from].insert(to);
        if (single_word(from)) table["Z" + stemmer(from)].insert("Z" + stemmer(to));
      }
    }
  }
  std::vector<std::string> old_keys;
  for (auto it = db.synonym_keys_begin(); it != db.synonym_keys_end(); ++it)
    old_keys.push_back(*it);
  for (const auto& key : old_keys) db.clear_synonyms(key);
  for (const auto& [key, values] : table)
    for (const auto& value : values) db.add_synonym(key, value);
  return table.size();
}

}  // namespace newsq
