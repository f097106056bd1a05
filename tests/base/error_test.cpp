// What an error may quote, and how long finding a near name may take.
#include <string>

#include <gtest/gtest.h>

#include "base/error.hpp"
#include "base/text_util.hpp"
#include "base/textproto.hpp"

#include <google/protobuf/descriptor.pb.h>

namespace evcsim {
namespace {

// A 10 MB bad value came back whole in the message (and twice as large).
TEST(InputError, QuotesAtMostAFewLinesOfAHugeValue) {
  const std::string huge(10 << 20, 'x');
  InputError e("unknown CPU '" + huge + "'", "s.textproto", 3, "cpu");
  EXPECT_LT(std::string(e.what()).size(), 5000u);
  EXPECT_EQ(std::string(e.what()).rfind("s.textproto:3: cpu: unknown CPU 'xxx", 0), 0u);
  EXPECT_NE(e.message().find("characters cut"), std::string::npos);
  InputError small("unknown CPU 'E5999'", "s.textproto", 3, "cpu");
  EXPECT_EQ(std::string(small.what()), "s.textproto:3: cpu: unknown CPU 'E5999'");
}

// A 10 MB unknown name took 36 s to find its nearest names.
TEST(NearestNames, AHugeQueryIsAnsweredAtOnce) {
  const std::string huge(10 << 20, 'x');
  // The distance of a value past 256 characters is bounded by its length (no
  // quadratic table); a hang here would end in CTest's timeout.
  EXPECT_EQ(edit_distance(huge, "E5420"), huge.size());
  auto near = nearest_names(huge, {"E5420", "E5310", "Xeon Gold 6530"});
  EXPECT_EQ(near.size(), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

TEST(ReadFile, AnEndlessDeviceIsRefused) {
  try {
    read_file("/dev/zero");
    ADD_FAILURE() << "/dev/zero was read";
  } catch (const InputError& e) {
    EXPECT_NE(e.message().find("larger than 256 MiB"), std::string::npos) << e.message();
  }
}

}  // namespace
}  // namespace evcsim

namespace evcsim {
namespace {

TEST(Utf8, WellFormedTextOnly) {
  EXPECT_TRUE(valid_utf8("prod-é → ü 😀"));
  EXPECT_TRUE(valid_utf8(""));
  EXPECT_FALSE(valid_utf8("\xff"));
  EXPECT_FALSE(valid_utf8("ab\xc3"));            // cut in the middle
  EXPECT_FALSE(valid_utf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(valid_utf8("\xed\xa0\x80"));      // a surrogate
  EXPECT_FALSE(valid_utf8("\xf4\x90\x80\x80"));  // past U+10FFFF
}

// A name that is not UTF-8 was accepted and silently dropped from results.json.
TEST(Utf8, ATextprotoStringThatIsNotUtf8IsRefusedWithItsLine) {
  google::protobuf::DescriptorProto msg;  // any message with a string field: name
  try {
    TextprotoFile parsed("s.textproto", "name: \"web\"\nfield { name: \"v\\377\" }\n", &msg);
    ADD_FAILURE() << "invalid UTF-8 accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), "s.textproto:2: name: is not valid UTF-8 text");
  }
}

}  // namespace
}  // namespace evcsim
