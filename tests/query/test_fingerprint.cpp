#include <catch2/catch.hpp>

#include "fingerprint.hpp"

using newsq::collapse_key;

namespace {
// Two real Reuters-21578 stories: the same wire text under two titles (NEWID 5271 and 5352 carry
// this lead), and an unrelated story.
const char* kStory =
    "Saudi Arabian Oil Minister Hisham Nazer said the kingdom wanted oil price stability and "
    "called on non-OPEC producers to avoid harmful competition with OPEC. Saudi Arabia doesn't "
    "decide prices by itself but certainly desires price stability, he said in an interview with "
    "Reuters and Visnews on March 11.";
const char* kOther =
    "Showers continued throughout the week in the Bahia cocoa zone, alleviating the drought since "
    "early January and improving prospects for the coming temporao, although normal humidity "
    "levels have not been restored, Comissaria Smith said in its weekly review.";
}  // namespace

TEST_CASE("collapse_key is the same for a republished story", "[fingerprint]") {
  const std::string key = collapse_key(kStory);
  REQUIRE(key.size() == 32);
  CHECK(collapse_key(kStory) == key);
  // Republished with different line breaks, case and punctuation.
  CHECK(collapse_key("SAUDI ARABIAN OIL MINISTER HISHAM NAZER SAID THE KINGDOM WANTED OIL PRICE\n"
                     "stability and called on non-OPEC producers to avoid harmful competition "
                     "with OPEC -- Saudi Arabia doesn't decide prices by itself but certainly "
                     "desires price stability, he said in an interview with Reuters and Visnews "
                     "on March 11") == key);
}

TEST_CASE("collapse_key differs for different stories", "[fingerprint]") {
  CHECK(collapse_key(kStory) != collapse_key(kOther));
  // Formulaic earnings briefs differ in their figures: never one story.
  CHECK(collapse_key("Shr 12 cts vs 15 cts Net 1,234,000 vs 1,456,000 Revs 20.1 mln vs 21.3 mln "
                     "Nine mths Shr 40 cts vs 44 cts") !=
        collapse_key("Shr 31 cts vs 8 cts Net 2,004,000 vs 510,000 Revs 11.7 mln vs 9.9 mln "
                     "Nine mths Shr 77 cts vs 20 cts"));
}

TEST_CASE("collapse_key leaves short texts alone", "[fingerprint]") {
  CHECK(collapse_key("").empty());
  CHECK(collapse_key("Spain leads NATO's most ambitious naval exercises of the year").empty());
}
