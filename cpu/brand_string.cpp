#include "cpu/brand_string.hpp"

#include <cctype>
#include <vector>

#include "base/text_util.hpp"

namespace evcsim {
namespace {

// Lower case words of letters and digits ("e5-2680" stays one word), with
// the trademarks, "cpu", "processor" and the clock removed.
std::vector<std::string> words_of(std::string_view brand) {
  std::string s = to_lower(brand);
  for (std::string_view mark : {"(r)", "(tm)", "(c)"})
    for (size_t at; (at = s.find(mark)) != std::string::npos;)
      for (size_t k = 0; k < mark.size(); ++k) s[at + k] = ' ';
  if (auto at = s.find('@'); at != std::string::npos) s.resize(at);
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty() && cur != "cpu" && cur != "processor") out.push_back(cur);
    cur.clear();
  };
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '+') cur += c;
    else flush();
  }
  flush();
  return out;
}

// The digits at the start of a model number ("6148f" -> 6148, 4 digits).
int number_of(std::string_view w, int* digits) {
  int n = 0, d = 0;
  while (d < static_cast<int>(w.size()) && std::isdigit(static_cast<unsigned char>(w[static_cast<size_t>(d)]))) {
    n = n * 10 + (w[static_cast<size_t>(d)] - '0');
    ++d;
  }
  *digits = d;
  return n;
}

// A version suffix: "v2", "v4" (Intel's E3/E5/E7 numbering; no other Xeon has one).
bool is_version(std::string_view w) {
  if (w.size() < 2 || w[0] != 'v') return false;
  for (char c : w.substr(1))
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

std::optional<std::string> intel(const std::vector<std::string>& w) {
  // A version suffix that the numbering does not have ("Xeon Gold 6148 v2", "E5-2680 v7") names no
  // part: nothing, rather than a guess the caller cannot tell from a match.
  for (size_t i = 0; i < w.size(); ++i) {
    if (!is_version(w[i])) continue;
    const bool e5e7 = i > 0 && (w[i - 1].rfind("e5-", 0) == 0 || w[i - 1].rfind("e7-", 0) == 0);
    if (!e5e7 || (w[i] != "v2" && w[i] != "v3" && w[i] != "v4")) return std::nullopt;
  }
  for (size_t i = 0; i < w.size(); ++i) {
    const std::string& t = w[i];
    const std::string next = i + 1 < w.size() ? w[i + 1] : "";
    // E5-2680 v2, E7-8890 v4
    if ((t.rfind("e5-", 0) == 0 || t.rfind("e7-", 0) == 0) && t.size() >= 7) {
      const bool e5 = t[1] == '5';
      if (next == "v4") return "broadwell-ep";
      if (next == "v3") return "haswell-ep";
      if (next == "v2") return "ivybridge-ep";
      return e5 ? std::optional<std::string>("sandybridge-ep") : std::optional<std::string>("westmere-ep");
    }
    // Xeon Scalable: Platinum 8180, Gold 6248R, Silver 4314, Bronze 3104
    if ((t == "platinum" || t == "gold" || t == "silver" || t == "bronze") && !next.empty()) {
      int digits = 0;
      int n = number_of(next, &digits);
      if (digits != 4) continue;
      switch ((n / 100) % 10) {
        case 1:
          return "skylake-sp";
        case 2:
          return "cascadelake-sp";
        case 3:
          return "icelake-sp";
        case 4:
          return "sapphirerapids";
        case 5:
          return "emeraldrapids";
        default:
          return std::nullopt;
      }
    }
    // Xeon 6 (6980P, 6767P): the P-core parts are Granite Rapids, the
    // E-core parts (6780E, 6731E) Sierra Forest.
    {
      int digits = 0;
      int n = number_of(t, &digits);
      if (digits == 4 && n / 1000 == 6 && t.size() == 5 && t[4] == 'p') return "graniterapids";
      if (digits == 4 && n / 1000 == 6 && t.size() == 5 && t[4] == 'e') return "sierraforest";
    }
    // Xeon W-2400/3400 and W-2500/3500 (w3-2423, w7-3465X, w9-3595X):
    // Sapphire Rapids for workstations.
    if (t.size() >= 7 && t[0] == 'w' && std::string_view("3579").find(t[1]) != std::string_view::npos && t[2] == '-') {
      int digits = 0;
      const int n = number_of(std::string_view(t).substr(3), &digits);
      const int series = n / 1000, gen = (n / 100) % 10;
      if (digits == 4 && (series == 2 || series == 3) && (gen == 4 || gen == 5)) return "sapphirerapids";
    }
    // Xeon 5000 / 7000 / 3000 with a letter: E5310, X5570, L5420, W5590, X7460
    if (t.size() == 5 && std::string_view("elxw").find(t[0]) != std::string_view::npos) {
      int digits = 0;
      int n = number_of(std::string_view(t).substr(1), &digits);
      if (digits != 4) continue;
      const int series = n / 1000, gen = (n / 100) % 10;
      if (series == 5) {
        static const char* k5[] = {"dempsey",    "woodcrest",  nullptr,      "clovertown",
                                   "harpertown", "nehalem-ep", "westmere-ep"};
        if (gen < 7 && k5[gen]) return k5[gen];
      }
      if (series == 7) {
        static const char* k7[] = {"paxville",   "tulsa",      "clovertown", "clovertown",
                                   "harpertown", "nehalem-ep", "westmere-ep"};
        if (gen < 7) return k7[gen];
      }
      if (series == 3) {
        static const char* k3[] = {"woodcrest",  "harpertown", "clovertown", "harpertown",
                                   "nehalem-ep", "nehalem-ep", "westmere-ep"};
        if (gen < 7) return k3[gen];
      }
    }
  }
  return std::nullopt;
}

std::optional<std::string> amd(const std::vector<std::string>& w) {
  for (size_t i = 0; i + 1 < w.size(); ++i) {
    int digits = 0;
    const int n = number_of(w[i + 1], &digits);
    if (w[i] == "opteron" && digits == 3) return n % 100 <= 50 ? "sledgehammer" : "k8-rev-e";
    if (w[i] == "opteron" && digits == 4) {
      const int series = n / 1000, gen = (n / 100) % 10, third = (n / 10) % 10;
      if (series == 1 || series == 2 || series == 8) {
        if (gen == 2) return "santarosa";
        if (gen == 3) return third >= 7 ? "shanghai" : "barcelona";
        if (gen == 4) return "istanbul";
      }
      if (series == 4 || series == 6) {
        if (gen == 1) return "magnycours";
        if (gen == 2) return "interlagos";
        if (gen == 3) return "abudhabi";
      }
      if (series == 3) {
        if (gen == 2) return "interlagos";
        if (gen == 3) return "abudhabi";
      }
      return std::nullopt;
    }
    if (w[i] == "epyc" && digits == 4) {
      const int series = n / 1000, last = n % 10;
      if (series == 7 && last == 1) return "naples";
      if (series == 7 && last == 2) return "rome";
      if (series == 7 && last == 3) return "milan";
      if (last == 4 && (series == 8 || (series == 9 && (n / 100) % 10 == 7))) return "bergamo";
      if (last == 4 && (series == 9 || series == 4)) return "genoa";
      if (last == 5 && (series == 9 || series == 4)) return "turin";
      return std::nullopt;
    }
  }
  return std::nullopt;
}

// Atom server parts: P5000/P5900 and C5000 are Snow Ridge (P5362, C5325).
std::optional<std::string> atom(const std::vector<std::string>& w) {
  for (const auto& t : w) {
    int digits = 0;
    const int n = number_of(std::string_view(t).substr(t.empty() ? 0 : 1), &digits);
    if (t.size() >= 5 && (t[0] == 'p' || t[0] == 'c') && digits == 4 && n / 1000 == 5) return "snowridge";
  }
  return std::nullopt;
}

// Hygon C86 7100/7200/3100/5100 series (7185, 7285): Dhyana (Zen-derived).
std::optional<std::string> hygon(const std::vector<std::string>& w) {
  for (size_t i = 0; i + 1 < w.size(); ++i) {
    int digits = 0;
    (void)number_of(w[i + 1], &digits);
    if (w[i] == "c86" && digits == 4) return "dhyana";
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> generation_of_brand(std::string_view brand) {
  const auto w = words_of(brand);
  for (const auto& t : w) {
    if (t == "xeon") return intel(w);
    if (t == "atom") return atom(w);
    if (t == "opteron" || t == "epyc") return amd(w);
    if (t == "hygon") return hygon(w);
  }
  return std::nullopt;
}

}  // namespace evcsim
