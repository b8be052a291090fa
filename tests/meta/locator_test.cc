// tests/meta/locator_test.cc: IP location through libloc (a database written by libloc's own
// writer, and the installed Debian database when present) and MaxMind .mmdb (a small database
// written by the test), error paths and concurrent lookups.
#include <arpa/inet.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

extern "C" {
#include <libloc/database.h>
#include <libloc/libloc.h>
#include <libloc/network.h>
#include <libloc/writer.h>
}

#include "meta/meta.h"

namespace bantay::meta {
namespace {

// A file path in a fresh temporary directory, removed with the object.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/bantay-locator-XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  ~TempDir() {
    for (const auto& f : files_) std::remove(f.c_str());
    rmdir(dir_.c_str());
  }
  std::string File(const std::string& name) {
    files_.push_back(dir_ + "/" + name);
    return files_.back();
  }

 private:
  std::string dir_;
  std::vector<std::string> files_;
};

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// ---- libloc ---------------------------------------------------------------------------------

struct LocNet {
  const char* prefix;
  const char* country;
  uint32_t flags;
};

// Writes a libloc database with libloc's own writer.
bool WriteLiblocDatabase(const std::string& path, const std::vector<LocNet>& nets) {
  loc_ctx* ctx = nullptr;
  if (loc_new(&ctx) != 0) return false;
  loc_set_log_priority(ctx, 0);
  loc_writer* writer = nullptr;
  bool ok = loc_writer_new(ctx, &writer, nullptr, nullptr) == 0;
  ok = ok && loc_writer_set_vendor(writer, "bantay test") == 0;
  for (const LocNet& n : nets) {
    loc_network* net = nullptr;
    ok = ok && loc_writer_add_network(writer, &net, n.prefix) == 0;
    if (net == nullptr) continue;
    if (*n.country) loc_network_set_country_code(net, n.country);
    if (n.flags) loc_network_set_flag(net, n.flags);
    loc_network_unref(net);
  }
  std::FILE* f = std::fopen(path.c_str(), "w+b");
  ok = ok && f != nullptr && loc_writer_write(writer, f, LOC_DATABASE_VERSION_LATEST) == 0;
  if (f) std::fclose(f);
  if (writer) loc_writer_unref(writer);
  loc_unref(ctx);
  return ok;
}

const std::vector<LocNet> kLocNets = {
    {"121.58.0.0/16", "PH", 0},
    {"81.2.69.0/24", "GB", 0},
    {"17.0.0.0/8", "US", 0},
    {"2001:4860::/32", "US", 0},
    {"2a00:1450::/32", "IE", 0},
    {"5.0.0.0/16", "NL", LOC_NETWORK_FLAG_ANONYMOUS_PROXY},
    {"6.0.0.0/16", "", LOC_NETWORK_FLAG_SATELLITE_PROVIDER},
    {"8.8.8.0/24", "US", LOC_NETWORK_FLAG_ANYCAST},
};

TEST(LiblocLocator, LooksUpIpv4AndIpv6WithFlagsAsAnonymous) {
  TempDir dir;
  const std::string path = dir.File("test.db");
  ASSERT_TRUE(WriteLiblocDatabase(path, kLocNets));
  auto locator = Locator::OpenLibloc(path);
  ASSERT_TRUE(locator.has_value()) << locator.error().ToString();
  const Locator& l = **locator;
  EXPECT_EQ(l.Lookup("121.58.192.1").country, "PH");
  EXPECT_EQ(l.Lookup("81.2.69.142").country, "GB");
  EXPECT_EQ(l.Lookup("17.1.2.3").country, "US");
  EXPECT_EQ(l.Lookup("::ffff:17.1.2.3").country, "US");
  EXPECT_EQ(l.Lookup("2001:4860:4860::8888").country, "US");
  EXPECT_EQ(l.Lookup("2A00:1450:4001:800::200E").country, "IE");
  EXPECT_TRUE(l.Lookup("121.58.192.1").region.empty());  // libloc has countries only
  EXPECT_FALSE(l.Lookup("121.58.192.1").anonymous);
  for (const char* ip : {"5.0.1.2", "6.0.0.1", "8.8.8.8"}) {
    const GeoResult g = l.Lookup(ip);
    EXPECT_TRUE(g.anonymous) << ip;
    EXPECT_TRUE(g.country.empty()) << ip;  // location unknown, never foreign
  }
  EXPECT_NE(l.Describe().find("bantay test"), std::string::npos) << l.Describe();
  EXPECT_NE(l.Describe().find(path), std::string::npos);
}

TEST(LiblocLocator, PrivateReservedUnlistedAndGarbageAreUnknown) {
  TempDir dir;
  const std::string path = dir.File("test.db");
  ASSERT_TRUE(WriteLiblocDatabase(path, kLocNets));
  auto locator = Locator::OpenLibloc(path);
  ASSERT_TRUE(locator.has_value());
  for (const char* ip :
       {"10.1.2.3", "192.168.0.1", "172.16.5.4", "127.0.0.1", "100.64.0.1", "169.254.1.1",
        "0.0.0.0", "255.255.255.255", "224.0.0.1", "192.0.2.1", "::1", "::", "fe80::1",
        "fd00::1", "2001:db8::1", "ff02::1", "99.1.2.3", "", "garbage", "1.2.3", "1.2.3.4.5",
        "121.58.192.1 ", "[::1]", "121.58.192.1:80", "01.2.3.4", "300.1.1.1"}) {
    const GeoResult g = (*locator)->Lookup(ip);
    EXPECT_TRUE(g.country.empty()) << ip;
    EXPECT_FALSE(g.anonymous) << ip;
  }
}

TEST(LiblocLocator, ConcurrentLookupsAgree) {
  TempDir dir;
  const std::string path = dir.File("test.db");
  ASSERT_TRUE(WriteLiblocDatabase(path, kLocNets));
  auto locator = Locator::OpenLibloc(path);
  ASSERT_TRUE(locator.has_value());
  std::vector<int> wrong(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5000; ++i) {
        const std::string ip = "121.58." + std::to_string(i % 256) + "." + std::to_string(t);
        wrong[t] += (*locator)->Lookup(ip).country != "PH";
        wrong[t] += (*locator)->Lookup("2001:4860::" + std::to_string(i % 999)).country != "US";
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(wrong[t], 0);
}

TEST(LiblocLocator, MissingCorruptAndTruncatedFilesFailToOpen) {
  TempDir dir;
  auto missing = Locator::OpenLibloc(dir.File("missing.db"));
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);

  const std::string junk = dir.File("junk.db");
  WriteFile(junk, std::string(10000, 'x'));
  auto corrupt = Locator::OpenLibloc(junk);
  ASSERT_FALSE(corrupt.has_value());
  EXPECT_EQ(corrupt.error().code, ErrorCode::kParse);

  const std::string good = dir.File("good.db");
  ASSERT_TRUE(WriteLiblocDatabase(good, kLocNets));
  const std::string bytes = ReadAll(good);
  const std::string cut = dir.File("cut.db");
  for (size_t keep : {size_t{4}, size_t{100}, bytes.size() / 2, bytes.size() - 1}) {
    WriteFile(cut, bytes.substr(0, keep));
    auto truncated = Locator::OpenLibloc(cut);
    EXPECT_FALSE(truncated.has_value()) << keep;
  }
}

// The installed Debian database (libloc-database), when present.
TEST(LiblocLocator, InstalledDatabaseLocatesWellKnownAddresses) {
  if (access("/var/lib/location/database.db", R_OK) != 0) {
    GTEST_SKIP() << "no /var/lib/location/database.db (Debian package libloc-database)";
  }
  auto locator = Locator::OpenLibloc();
  ASSERT_TRUE(locator.has_value()) << locator.error().ToString();
  const Locator& l = **locator;
  EXPECT_EQ(l.Lookup("17.0.0.1").country, "US");         // Apple
  EXPECT_EQ(l.Lookup("81.2.69.142").country, "GB");
  EXPECT_EQ(l.Lookup("2001:4860:4860::8888").country, "US");
  EXPECT_EQ(l.Lookup("121.58.192.1").country, "PH");
  EXPECT_TRUE(l.Lookup("8.8.8.8").anonymous);  // anycast: no single location
  EXPECT_TRUE(l.Lookup("192.168.1.1").country.empty());
  EXPECT_TRUE(l.Lookup("garbage").country.empty());
  EXPECT_NE(l.Describe().find("data of 20"), std::string::npos) << l.Describe();
}

// The locator walks libloc's network tree itself; every answer must be libloc's own
// loc_database_lookup's (nested networks, flags, addresses outside every network).
void ExpectLiblocsAnswers(const std::string& path, int v4, int v6, uint32_t seed) {
  auto locator = Locator::OpenLibloc(path);
  ASSERT_TRUE(locator.has_value()) << locator.error().ToString();
  loc_ctx* ctx = nullptr;
  ASSERT_EQ(loc_new(&ctx), 0);
  loc_set_log_priority(ctx, 0);
  std::FILE* f = std::fopen(path.c_str(), "rb");
  ASSERT_NE(f, nullptr);
  loc_database* db = nullptr;
  ASSERT_EQ(loc_database_new(ctx, &db, f), 0);
  std::fclose(f);
  std::mt19937 rng(seed);
  int located = 0, mismatches = 0;
  for (int i = 0; i < v4 + v6; ++i) {
    in6_addr a{};
    char text[INET6_ADDRSTRLEN];
    if (i < v4) {
      uint32_t x = rng();
      const uint32_t top = x >> 24;  // public unicast only: the locator skips the rest
      if (top == 0 || top == 10 || top == 100 || top == 127 || top >= 169) x = (x & 0x00FFFFFF) | (1u + x % 99) << 24;
      in_addr v{htonl(x)};
      inet_ntop(AF_INET, &v, text, sizeof text);
      a.s6_addr[10] = a.s6_addr[11] = 0xff;
      std::memcpy(a.s6_addr + 12, &v, 4);
    } else {
      for (auto& b : a.s6_addr) b = static_cast<uint8_t>(rng());
      a.s6_addr[0] = static_cast<uint8_t>(0x20 | (a.s6_addr[0] & 0x1F));  // 2000::/3
      if (i % 2) std::memcpy(a.s6_addr, "\x20\x01\x48\x60", 4);  // inside a listed /32
      inet_ntop(AF_INET6, &a, text, sizeof text);
    }
    std::string want_country;
    bool want_anonymous = false;
    loc_network* net = nullptr;
    if (loc_database_lookup(db, &a, &net) == 0 && net != nullptr) {
      want_anonymous = loc_network_has_flag(net, LOC_NETWORK_FLAG_ANONYMOUS_PROXY) ||
                       loc_network_has_flag(net, LOC_NETWORK_FLAG_SATELLITE_PROVIDER) ||
                       loc_network_has_flag(net, LOC_NETWORK_FLAG_ANYCAST);
      const char* cc = loc_network_get_country_code(net);
      if (!want_anonymous && cc != nullptr && std::strlen(cc) == 2 && cc[0] >= 'A' &&
          cc[0] <= 'Z' && cc[1] >= 'A' && cc[1] <= 'Z') {
        want_country = cc;
        for (const char* no : {"A1", "A2", "A3", "A4", "A5", "A6", "XD", "XX", "ZZ", "EU", "AP"}) {
          if (want_country == no) want_country.clear();
        }
      }
      loc_network_unref(net);
    }
    const GeoResult got = (*locator)->Lookup(text);
    located += !got.country.empty();
    if (got.country != want_country || got.anonymous != want_anonymous) {
      if (++mismatches <= 10) {
        ADD_FAILURE() << text << ": walk " << got.country << "/" << got.anonymous << ", libloc "
                      << want_country << "/" << want_anonymous;
      }
    }
  }
  EXPECT_EQ(mismatches, 0);
  EXPECT_GT(located, 0);
  loc_database_unref(db);
  loc_unref(ctx);
}

TEST(LiblocLocator, TreeWalkAnswersAsLiblocDoesOnNestedNetworks) {
  TempDir dir;
  const std::string path = dir.File("nested.db");
  std::vector<LocNet> nets = kLocNets;
  nets.push_back({"17.1.0.0/16", "GB", 0});
  nets.push_back({"17.1.2.0/24", "DE", LOC_NETWORK_FLAG_ANONYMOUS_PROXY});
  nets.push_back({"17.1.2.128/25", "FR", 0});
  nets.push_back({"2001:4860:8000::/33", "JP", 0});
  nets.push_back({"2001:4860:8000::/48", "", LOC_NETWORK_FLAG_ANYCAST});
  nets.push_back({"16.0.0.0/4", "CA", 0});
  ASSERT_TRUE(WriteLiblocDatabase(path, nets));
  ExpectLiblocsAnswers(path, 20000, 20000, 3);
  // The nested networks' edges.
  auto locator = Locator::OpenLibloc(path);
  ASSERT_TRUE(locator.has_value());
  EXPECT_EQ((*locator)->Lookup("17.1.2.127").anonymous, true);
  EXPECT_EQ((*locator)->Lookup("17.1.2.128").country, "FR");
  EXPECT_EQ((*locator)->Lookup("17.1.3.0").country, "GB");
  EXPECT_EQ((*locator)->Lookup("17.2.0.0").country, "US");
  EXPECT_EQ((*locator)->Lookup("18.0.0.1").country, "CA");
  EXPECT_EQ((*locator)->Lookup("2001:4860:8001::1").country, "JP");
  EXPECT_TRUE((*locator)->Lookup("2001:4860:8000::1").anonymous);
  EXPECT_EQ((*locator)->Lookup("2001:4860:1::1").country, "US");
}

TEST(LiblocLocator, TreeWalkAnswersAsLiblocDoesOnTheInstalledDatabase) {
  if (access("/var/lib/location/database.db", R_OK) != 0) {
    GTEST_SKIP() << "no /var/lib/location/database.db (Debian package libloc-database)";
  }
  ExpectLiblocsAnswers("/var/lib/location/database.db", 100000, 60000, 7);
}

// ---- MaxMind DB -----------------------------------------------------------------------------
// A minimal writer of the MaxMind DB format (version 2): a binary search tree with 24-bit
// records, a 16-byte separator, a data section of maps, and the metadata map after its marker.

class MmdbWriter {
 public:
  // `prefix` is "a.b.c.d/len" (stored under ::/96, as libmaxminddb looks IPv4 up in an
  // IPv6 tree) or an IPv6 "x::/len"; `data` is one encoded data-section value.
  void Add(const std::string& prefix, const std::string& data) {
    const size_t slash = prefix.find('/');
    const std::string addr = prefix.substr(0, slash);
    int len = std::stoi(prefix.substr(slash + 1));
    uint8_t bytes[16] = {};
    if (addr.find(':') == std::string::npos) {
      unsigned a, b, c, d;
      std::sscanf(addr.c_str(), "%u.%u.%u.%u", &a, &b, &c, &d);
      bytes[12] = static_cast<uint8_t>(a);
      bytes[13] = static_cast<uint8_t>(b);
      bytes[14] = static_cast<uint8_t>(c);
      bytes[15] = static_cast<uint8_t>(d);
      len += 96;
    } else {
      in6_addr a6;
      inet_pton(AF_INET6, addr.c_str(), &a6);
      std::memcpy(bytes, a6.s6_addr, 16);
    }
    const uint32_t offset = static_cast<uint32_t>(data_.size());
    data_ += data;
    if (nodes_.empty()) nodes_.push_back({});
    size_t node = 0;
    for (int depth = 0; depth < len; ++depth) {
      const int bit = (bytes[depth / 8] >> (7 - depth % 8)) & 1;
      Record& r = nodes_[node].rec[bit];
      if (depth == len - 1) {
        r = {Record::kData, offset};
      } else {
        if (r.kind != Record::kNode) {
          r = {Record::kNode, static_cast<uint32_t>(nodes_.size())};
          nodes_.push_back({});
        }
        node = nodes_[node].rec[bit].value;
      }
    }
  }

  std::string Build() const {
    const auto count = static_cast<uint32_t>(nodes_.size());
    std::string out;
    for (const Node& n : nodes_) {
      for (const Record& r : n.rec) {
        const uint32_t v = r.kind == Record::kNode   ? r.value
                           : r.kind == Record::kData ? count + 16 + r.value
                                                     : count;
        out += static_cast<char>(v >> 16);
        out += static_cast<char>(v >> 8);
        out += static_cast<char>(v);
      }
    }
    out += std::string(16, '\0');
    out += data_;
    out += "\xAB\xCD\xEFMaxMind.com";
    Map(&out, 9);
    Str(&out, "node_count");
    Uint(&out, 6, count);
    Str(&out, "record_size");
    Uint(&out, 5, 24);
    Str(&out, "ip_version");
    Uint(&out, 5, 6);
    Str(&out, "database_type");
    Str(&out, "bantay-test-City");
    Str(&out, "languages");
    Control(&out, 11, 1);
    Str(&out, "en");
    Str(&out, "binary_format_major_version");
    Uint(&out, 5, 2);
    Str(&out, "binary_format_minor_version");
    Uint(&out, 5, 0);
    Str(&out, "build_epoch");
    Uint(&out, 9, 1772323200);
    Str(&out, "description");
    Map(&out, 1);
    Str(&out, "en");
    Str(&out, "test database");
    return out;
  }

  // Data-section encoders.
  static void Control(std::string* out, int type, size_t size) {
    const auto first = static_cast<uint8_t>(type <= 7 ? type << 5 : 0);
    if (size < 29) {
      *out += static_cast<char>(first | size);
      if (type > 7) *out += static_cast<char>(type - 7);
    } else {
      *out += static_cast<char>(first | 29);
      if (type > 7) *out += static_cast<char>(type - 7);
      *out += static_cast<char>(size - 29);
    }
  }
  static void Str(std::string* out, const std::string& s) {
    Control(out, 2, s.size());
    *out += s;
  }
  static void Map(std::string* out, size_t pairs) { Control(out, 7, pairs); }
  static void Bool(std::string* out, bool b) { Control(out, 14, b ? 1 : 0); }
  static void Uint(std::string* out, int type, uint64_t v) {
    std::string bytes;
    while (v != 0) {
      bytes.insert(bytes.begin(), static_cast<char>(v & 0xff));
      v >>= 8;
    }
    Control(out, type, bytes.size());
    *out += bytes;
  }

  // {"country": {"iso_code": cc}, "subdivisions": [{"iso_code": sub}], "traits": {...}}
  static std::string Entry(const std::string& cc, const std::string& sub, bool proxy) {
    std::string e;
    Map(&e, 1 + !sub.empty() + proxy);
    Str(&e, "country");
    Map(&e, 1);
    Str(&e, "iso_code");
    Str(&e, cc);
    if (!sub.empty()) {
      Str(&e, "subdivisions");
      Control(&e, 11, 1);
      Map(&e, 1);
      Str(&e, "iso_code");
      Str(&e, sub);
    }
    if (proxy) {
      Str(&e, "traits");
      Map(&e, 1);
      Str(&e, "is_anonymous_proxy");
      Bool(&e, true);
    }
    return e;
  }

 private:
  struct Record {
    enum Kind { kEmpty, kNode, kData } kind = kEmpty;
    uint32_t value = 0;
  };
  struct Node {
    Record rec[2];
  };
  std::vector<Node> nodes_;
  std::string data_;
};

std::string TestMmdb() {
  MmdbWriter w;
  w.Add("121.58.0.0/16", MmdbWriter::Entry("PH", "07", false));
  w.Add("81.2.69.0/24", MmdbWriter::Entry("GB", "ENG", false));
  w.Add("17.0.0.0/8", MmdbWriter::Entry("US", "", false));
  w.Add("5.0.0.0/16", MmdbWriter::Entry("NL", "", true));
  w.Add("2001:4860::/32", MmdbWriter::Entry("US", "CA", false));
  return w.Build();
}

TEST(MmdbLocator, LooksUpCountryRegionAndAnonymousProxies) {
  TempDir dir;
  const std::string path = dir.File("test.mmdb");
  WriteFile(path, TestMmdb());
  auto locator = Locator::OpenMmdb(path);
  ASSERT_TRUE(locator.has_value()) << locator.error().ToString();
  const Locator& l = **locator;
  GeoResult g = l.Lookup("121.58.192.1");
  EXPECT_EQ(g.country, "PH");
  EXPECT_EQ(g.region, "PH-07");
  EXPECT_FALSE(g.anonymous);
  EXPECT_EQ(l.Lookup("81.2.69.142").region, "GB-ENG");
  g = l.Lookup("17.0.0.1");
  EXPECT_EQ(g.country, "US");
  EXPECT_EQ(g.region, "");
  g = l.Lookup("2001:4860:4860::8888");
  EXPECT_EQ(g.country, "US");
  EXPECT_EQ(g.region, "US-CA");
  EXPECT_EQ(l.Lookup("::ffff:121.58.1.1").country, "PH");
  g = l.Lookup("5.0.3.4");
  EXPECT_TRUE(g.anonymous);
  EXPECT_TRUE(g.country.empty());
  for (const char* ip : {"99.1.2.3", "10.0.0.1", "::1", "2a00::1", "garbage", ""}) {
    g = l.Lookup(ip);
    EXPECT_TRUE(g.country.empty()) << ip;
    EXPECT_FALSE(g.anonymous) << ip;
  }
  EXPECT_NE(l.Describe().find("bantay-test-City"), std::string::npos) << l.Describe();
  EXPECT_NE(l.Describe().find("2026-03-01"), std::string::npos) << l.Describe();
}

TEST(MmdbLocator, ConcurrentLookupsAgree) {
  TempDir dir;
  const std::string path = dir.File("test.mmdb");
  WriteFile(path, TestMmdb());
  auto locator = Locator::OpenMmdb(path);
  ASSERT_TRUE(locator.has_value());
  std::vector<int> wrong(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5000; ++i) {
        const GeoResult g = (*locator)->Lookup("121.58." + std::to_string(i % 256) + ".1");
        wrong[t] += g.country != "PH" || g.region != "PH-07";
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(wrong[t], 0);
}

TEST(MmdbLocator, MissingCorruptAndTruncatedFilesFailToOpen) {
  TempDir dir;
  auto missing = Locator::OpenMmdb(dir.File("missing.mmdb"));
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);

  const std::string junk = dir.File("junk.mmdb");
  WriteFile(junk, std::string(5000, '\x17'));
  auto corrupt = Locator::OpenMmdb(junk);
  ASSERT_FALSE(corrupt.has_value());
  EXPECT_EQ(corrupt.error().code, ErrorCode::kParse);

  const std::string bytes = TestMmdb();
  const std::string cut = dir.File("cut.mmdb");
  for (size_t keep : {size_t{0}, size_t{10}, bytes.size() / 2}) {
    WriteFile(cut, bytes.substr(0, keep));
    EXPECT_FALSE(Locator::OpenMmdb(cut).has_value()) << keep;
  }
}

}  // namespace
}  // namespace bantay::meta
