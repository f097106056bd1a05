#include "cpu/register_mask.hpp"

#include <gtest/gtest.h>

#include "base/error.hpp"

namespace evcsim {
namespace {

const char* kDefault = "RRRR RRRR RRRR RRR0 00XR R0H0 000H 0RRH";

TEST(RegisterMask, DesignWorkedExampleComesOutExactly) {
  RegisterMask def = RegisterMask::parse(kDefault);
  RegisterMask custom = synthesize_custom_mask(def, 0x0000641d, 0x00004400);
  EXPECT_EQ(custom.str(), "---- ---- ---- ---- ---- ---- ---0 -0-0");
  // With the custom mask overlaid, the two hosts pass.
  EXPECT_TRUE(custom.overlay_on(def).check(0x0000641d, 0x00004400).empty());
  EXPECT_EQ(def.check(0x0000641d, 0x00004400).size(), 3u);
}

TEST(RegisterMask, ParsesEverySpelling) {
  RegisterMask a = RegisterMask::parse(kDefault);
  EXPECT_EQ(RegisterMask::parse("RRRR:RRRR:RRRR:RRR0:00XR:R0H0:000H:0RRH"), a);
  EXPECT_EQ(RegisterMask::parse("rrrrrrrrrrrrrrr000xrr0h0000h0rrh"), a);
  EXPECT_EQ(a.str(':'), "RRRR:RRRR:RRRR:RRR0:00XR:R0H0:000H:0RRH");
  EXPECT_EQ(a.str('\0'), "RRRRRRRRRRRRRRR000XRR0H0000H0RRH");
  EXPECT_EQ(a.at(0), 'H');
  EXPECT_EQ(a.at(13), 'X');
  EXPECT_EQ(a.at(31), 'R');
}

TEST(RegisterMask, RejectsMalformedMasks) {
  EXPECT_THROW(RegisterMask::parse("RRRR"), InputError);
  EXPECT_THROW(RegisterMask::parse("RRRR RRRR RRRR RRRR RRRR RRRR RRRR RRRR R"), InputError);
  try {
    RegisterMask::parse("RRRR RRRR RRRR RRRR RRRR RRRR RRRR RRRQ");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("character 39 'Q'"), std::string::npos) << e.what();
  }
}

TEST(RegisterMask, OverlayTakesTheCustomLetterWhereItIsNotDash) {
  RegisterMask def = RegisterMask::parse(kDefault);
  RegisterMask custom = RegisterMask::parse("1--- ---- ---- ---- ---- ---- ---- ---0");
  RegisterMask m = custom.overlay_on(def);
  EXPECT_EQ(m.at(31), '1');
  EXPECT_EQ(m.at(0), '0');
  EXPECT_EQ(m.at(1), 'R');
  EXPECT_FALSE(m.has_defaults());
}

TEST(RegisterMask, ApplyShowsTheGuestView) {
  RegisterMask m = RegisterMask::parse("1000 0000 0000 0000 0000 0000 TFRH XXXX");
  // bit31 '1', bits 7..4 T F R H, bits 3..0 X.
  EXPECT_EQ(m.apply(0x000000FF), 0x8000009Fu);
  EXPECT_EQ(m.apply(0x00000000), 0x80000080u);
}

TEST(RegisterMask, CheckEnforcesEachLetter) {
  RegisterMask m = RegisterMask::parse("0000 0000 0000 0000 0000 0000 0000 TFHX");
  EXPECT_TRUE(m.check(0b1000, 0b1000).empty());
  auto v = m.check(0b0110, 0b1000);  // T: 0 on a; F: 1 on a; H differs
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0].bit, 3);
  EXPECT_EQ(v[0].letter, 'T');
  EXPECT_EQ(v[1].letter, 'F');
  EXPECT_EQ(v[2].letter, 'H');
  EXPECT_EQ(synthesize_custom_mask(m, 0b0110, 0b1000).str('\0'), "----------------------------000-");
}

TEST(RegisterMask, AlreadyCompatibleHostsNeedNoCustomMask) {
  RegisterMask def = RegisterMask::parse(kDefault);
  EXPECT_EQ(synthesize_custom_mask(def, 0x2000, 0x0).str(), "---- ---- ---- ---- ---- ---- ---- ----");
}

}  // namespace
}  // namespace evcsim
