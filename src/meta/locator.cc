// meta/locator.cc: IP address to country (and region) with libloc (the IPFire location
// database, Debian's libloc-database) or a MaxMind-format .mmdb file (libmaxminddb).
#include <endian.h>
#include <fcntl.h>
#include <maxminddb.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <vector>
// format.h's on-disk header layout is only declared for LIBLOC_PRIVATE; it is read here to
// check the section bounds before libloc maps them (it does not, and a truncated file would
// then fault on lookup instead of failing to open).
// Only libloc.h itself declares its functions extern "C".
#define LIBLOC_PRIVATE
extern "C" {
#include <libloc/database.h>
#include <libloc/format.h>
#include <libloc/libloc.h>
#include <libloc/network.h>
}
#undef LIBLOC_PRIVATE

#include "meta/call_fields.h"
#include "meta/meta.h"

namespace bantay::meta {

namespace {

constexpr const char* kDefaultLiblocPath = "/var/lib/location/database.db";

// Addresses that are never anyone's location: private, loopback, link-local, shared
// (CGNAT), documentation, multicast and reserved ranges. in6 holds IPv4 as ::ffff:a.b.c.d.
bool IsSpecialAddress(const in6_addr& a) {
  const uint8_t* b = a.s6_addr;
  static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(b, kMapped, 12) == 0) {
    const uint8_t o0 = b[12], o1 = b[13], o2 = b[14];
    return o0 == 0 || o0 == 10 || o0 == 127 || o0 >= 224 ||      // this, private, loopback,
           (o0 == 100 && (o1 & 0xC0) == 64) ||                   // multicast and reserved;
           (o0 == 169 && o1 == 254) || (o0 == 172 && (o1 & 0xF0) == 16) ||  // CGNAT,
           (o0 == 192 && o1 == 168) || (o0 == 192 && o1 == 0 && (o2 == 0 || o2 == 2)) ||
           (o0 == 198 && (o1 & 0xFE) == 18) || (o0 == 198 && o1 == 51 && o2 == 100) ||
           (o0 == 203 && o1 == 0 && o2 == 113);  // link-local, private, documentation
  }
  static constexpr uint8_t kZero[15] = {};
  if (std::memcmp(b, kZero, 15) == 0) return true;  // :: and ::1
  return (b[0] & 0xFE) == 0xFC ||                    // unique local fc00::/7
         (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) ||  // link-local fe80::/10
         b[0] == 0xFF ||                             // multicast
         (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8) ||  // 2001:db8::/32
         std::memcmp(b, kZero, 12) == 0;             // IPv4-compatible (deprecated)
}

// A two-letter country code, or empty for codes that name no country (libloc and some
// databases use A1-A3, XD, EU, AP, ZZ for proxies, regions and unknowns).
std::string CountryOrEmpty(const char* code) {
  if (code == nullptr) return {};
  const size_t n = strnlen(code, 3);
  if (n != 2) return {};
  char c0 = code[0], c1 = code[1];
  if (c0 >= 'a' && c0 <= 'z') c0 = static_cast<char>(c0 - 32);
  if (c1 >= 'a' && c1 <= 'z') c1 = static_cast<char>(c1 - 32);
  if (c0 < 'A' || c0 > 'Z' || c1 < 'A' || c1 > 'Z') return {};
  const std::string cc{c0, c1};
  static constexpr std::string_view kNotCountries[] = {"A1", "A2", "A3", "A4", "A5", "A6",
                                                       "XD", "XX", "ZZ", "EU", "AP"};
  for (std::string_view s : kNotCountries) {
    if (cc == s) return {};
  }
  return cc;
}

std::string DateOf(time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

// ---- libloc -------------------------------------------------------------------------------

void SilentLog(loc_ctx*, int, const char*, int, const char*, const char*, va_list) {}

// Checks that the file is a version-1 libloc database whose sections lie inside the file.
Status CheckLiblocFile(std::FILE* f, const std::string& path) {
  struct stat st {};
  if (fstat(fileno(f), &st) != 0) {
    return Fail(ErrorCode::kIo, std::string("cannot stat: ") + std::strerror(errno), path);
  }
  loc_database_magic magic{};
  loc_database_header_v1 header{};
  if (std::fread(&magic, 1, sizeof magic, f) != sizeof magic ||
      std::memcmp(magic.magic, LOC_DATABASE_MAGIC, std::strlen(LOC_DATABASE_MAGIC)) != 0) {
    return Fail(ErrorCode::kParse, "not a libloc location database", path);
  }
  if (magic.version != LOC_DATABASE_VERSION_1) {
    return Fail(ErrorCode::kParse,
                "unsupported libloc database version " + std::to_string(magic.version), path);
  }
  if (std::fread(&header, 1, sizeof header, f) != sizeof header) {
    return Fail(ErrorCode::kParse, "libloc database header is truncated", path);
  }
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  const std::pair<uint32_t, uint32_t> sections[] = {
      {header.as_offset, header.as_length},
      {header.network_data_offset, header.network_data_length},
      {header.network_tree_offset, header.network_tree_length},
      {header.countries_offset, header.countries_length},
      {header.pool_offset, header.pool_length}};
  for (const auto& [offset, length] : sections) {
    if (static_cast<uint64_t>(be32toh(offset)) + be32toh(length) > size) {
      return Fail(ErrorCode::kParse, "libloc database is truncated or corrupt", path);
    }
  }
  if (be32toh(header.network_tree_length) < sizeof(loc_database_network_node_v1)) {
    return Fail(ErrorCode::kParse, "libloc database has no networks", path);
  }
  std::rewind(f);
  return {};
}

// Lookups walk the database's network tree in a read-only mapping of the file, as libloc's
// loc_database_lookup does (the deepest network on the address's path), without its cost:
// libloc allocates and formats a network object per lookup and is not thread-safe (a plain
// reference counter on the shared context), so its lookups were serialised and cached; the
// walk is thread-safe and ~20x cheaper. libloc itself opens and describes the database.
class LiblocLocator final : public Locator {
 public:
  ~LiblocLocator() override {
    if (map_ != nullptr) munmap(const_cast<uint8_t*>(map_), map_size_);
    if (db_ != nullptr) loc_database_unref(db_);
    if (ctx_ != nullptr) loc_unref(ctx_);
  }

  static Result<std::unique_ptr<Locator>> Open(const std::string& path_in) {
    const std::string path = path_in.empty() ? kDefaultLiblocPath : path_in;
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) {
      const int err = errno;
      return Fail(err == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                  std::string("cannot open libloc database: ") + std::strerror(err), path);
    }
    auto locator = std::unique_ptr<LiblocLocator>(new LiblocLocator());
    Status checked = CheckLiblocFile(f, path);
    if (!checked) {
      std::fclose(f);
      return tl::unexpected(checked.error());
    }
    int r = loc_new(&locator->ctx_);
    if (r != 0) {
      std::fclose(f);
      return Fail(ErrorCode::kInternal, "libloc: cannot create a context", path);
    }
    loc_set_log_fn(locator->ctx_, SilentLog);  // nothing below the CLI prints
    loc_set_log_priority(locator->ctx_, 0);
    r = loc_database_new(locator->ctx_, &locator->db_, f);
    std::fclose(f);  // the database keeps its own descriptor
    if (r != 0) {
      locator->db_ = nullptr;
      return Fail(ErrorCode::kParse, "not a readable libloc location database", path);
    }
    Status mapped = locator->Map(path);
    if (!mapped) return tl::unexpected(mapped.error());
    const char* vendor = loc_database_get_vendor(locator->db_);
    locator->describe_ = "libloc " + path + " (" +
                         (vendor != nullptr && *vendor ? std::string(vendor) + ", " : "") +
                         "data of " + DateOf(loc_database_created_at(locator->db_)) + ")";
    return std::unique_ptr<Locator>(std::move(locator));
  }

  GeoResult Lookup(std::string_view ip) const override {
    GeoResult out;
    in6_addr addr;
    if (!internal::ParseIp(ip, &addr) || IsSpecialAddress(addr)) return out;
    const uint32_t net = Find(addr);
    if (net == kNone) return out;
    const loc_database_network_v1& n = networks_[net];
    const uint16_t flags = be16toh(n.flags);
    out.anonymous = (flags & (LOC_NETWORK_FLAG_ANONYMOUS_PROXY | LOC_NETWORK_FLAG_SATELLITE_PROVIDER |
                              LOC_NETWORK_FLAG_ANYCAST)) != 0;
    if (!out.anonymous) {
      const char code[3] = {n.country_code[0], n.country_code[1], 0};
      out.country = CountryOrEmpty(code);
    }
    return out;
  }

  std::string Describe() const override { return describe_; }

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  static constexpr uint32_t kNoNetwork = 0xffffffff;  // a tree node without a network

  LiblocLocator() = default;

  // Maps the file and finds the tree node of ::ffff:0:0/96, where every IPv4 lookup starts.
  // REQUIRES: the file passed CheckLiblocFile.
  Status Map(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st {};
    if (fd < 0 || fstat(fd, &st) != 0) {
      const int err = errno;
      if (fd >= 0) ::close(fd);
      return Fail(ErrorCode::kIo, std::string("cannot map libloc database: ") + std::strerror(err),
                  path);
    }
    map_size_ = static_cast<size_t>(st.st_size);
    void* m = mmap(nullptr, map_size_, PROT_READ, MAP_SHARED, fd, 0);
    ::close(fd);
    if (m == MAP_FAILED) {
      return Fail(ErrorCode::kIo, std::string("cannot map libloc database: ") +
                                      std::strerror(errno), path);
    }
    map_ = static_cast<const uint8_t*>(m);
    loc_database_header_v1 header;
    std::memcpy(&header, map_ + sizeof(loc_database_magic), sizeof header);
    nodes_ = reinterpret_cast<const loc_database_network_node_v1*>(
        map_ + be32toh(header.network_tree_offset));
    node_count_ = be32toh(header.network_tree_length) / sizeof(loc_database_network_node_v1);
    networks_ = reinterpret_cast<const loc_database_network_v1*>(
        map_ + be32toh(header.network_data_offset));
    network_count_ = be32toh(header.network_data_length) / sizeof(loc_database_network_v1);
    in6_addr mapped{};
    mapped.s6_addr[10] = mapped.s6_addr[11] = 0xff;
    v4_net_ = kNone;
    v4_level_ = Walk(mapped, 96, &v4_node_, &v4_net_);
    if (v4_level_ == 96) {
      v4_top_.resize(size_t{1} << kTopBits);
      FillTop(v4_node_, 96, v4_net_, 0, v4_top_.size());
    }
    return {};
  }

  // Fills v4_top_[first, first + count), the IPv4 prefixes of `kTopBits` bits under the node
  // `n` at depth `level` (its own network not yet counted; `net` the deepest one above),
  // as Walk would leave them at depth 96 + kTopBits: one visit per node of those depths,
  // at most 2^(kTopBits + 1).
  void FillTop(uint32_t n, int level, uint32_t net, size_t first, size_t count) {
    const loc_database_network_node_v1& x = nodes_[n];
    const uint32_t leaf = be32toh(x.network);
    if (leaf != kNoNetwork && leaf < network_count_) net = leaf;
    const uint32_t child[2] = {be32toh(x.zero), be32toh(x.one)};
    for (int bit = 0; bit < 2 && count > 1; ++bit) {
      const size_t half = count / 2, from = first + bit * half;
      if (child[bit] != 0 && child[bit] < node_count_) {
        FillTop(child[bit], level + 1, net, from, half);
      } else {  // the walk stops here for these prefixes
        std::fill_n(v4_top_.begin() + static_cast<ptrdiff_t>(from), half, TopEntry{n, net, level});
      }
    }
    if (count == 1) v4_top_[first] = {n, net, level};
  }

  // Follows `addr` from the node `*node` at depth `level` down to depth `end` at most,
  // keeping in `*net` the deepest network on the way that libloc would return (its index
  // in range). Returns the depth reached; `*node` is the node there.
  int Walk(const in6_addr& addr, int end, uint32_t* node, uint32_t* net, int level = 0) const {
    uint32_t n = level == 0 ? 0 : *node;
    for (;; ++level) {
      const loc_database_network_node_v1& x = nodes_[n];
      const uint32_t leaf = be32toh(x.network);
      if (leaf != kNoNetwork && leaf < network_count_) *net = leaf;
      if (level == end) break;
      const int bit = addr.s6_addr[level / 8] >> (7 - level % 8) & 1;
      const uint32_t next = be32toh(bit ? x.one : x.zero);
      if (next == 0 || next >= node_count_) break;
      n = next;
    }
    *node = n;
    return level;
  }

  // The index of the network of `addr`, kNone when the database has none.
  uint32_t Find(const in6_addr& addr) const {
    uint32_t node = 0, net = kNone;
    if (IN6_IS_ADDR_V4MAPPED(&addr)) {
      if (v4_level_ < 96) return v4_net_;  // the tree ends above ::ffff:0:0/96
      const TopEntry& top = v4_top_[(size_t{addr.s6_addr[12]} << 8) | addr.s6_addr[13]];
      node = top.node;
      net = top.net;
      Walk(addr, 128, &node, &net, top.level);
    } else {
      Walk(addr, 128, &node, &net);
    }
    return net;
  }

  loc_ctx* ctx_ = nullptr;
  loc_database* db_ = nullptr;
  const uint8_t* map_ = nullptr;
  size_t map_size_ = 0;
  const loc_database_network_node_v1* nodes_ = nullptr;
  size_t node_count_ = 0;
  const loc_database_network_v1* networks_ = nullptr;
  size_t network_count_ = 0;
  // The walk of ::ffff:0:0/96: the node at depth 96 (when v4_level_ is 96) and the deepest
  // network above it.
  uint32_t v4_node_ = 0, v4_net_ = kNone;
  int v4_level_ = 0;
  // Where the walk of each IPv4 address's first kTopBits bits ends: the node, the deepest
  // network on the way, the depth (96 + kTopBits unless the tree ends above). Lookups start
  // there, instead of taking kTopBits dependent loads one tree level at a time (the walk
  // was ~5% of a large meta run, stalled on those loads). 768 KiB, built in ~1 ms.
  static constexpr int kTopBits = 16;
  struct TopEntry {
    uint32_t node, net;
    int level;
  };
  std::vector<TopEntry> v4_top_;
  std::string describe_;
};

// ---- MaxMind DB -----------------------------------------------------------------------------

bool GetBool(MMDB_entry_s* entry, const char* const* path) {
  MMDB_entry_data_s data;
  if (MMDB_aget_value(entry, &data, path) != MMDB_SUCCESS || !data.has_data) return false;
  return data.type == MMDB_DATA_TYPE_BOOLEAN && data.boolean;
}

std::string GetString(MMDB_entry_s* entry, const char* const* path) {
  MMDB_entry_data_s data;
  if (MMDB_aget_value(entry, &data, path) != MMDB_SUCCESS || !data.has_data ||
      data.type != MMDB_DATA_TYPE_UTF8_STRING) {
    return {};
  }
  return std::string(data.utf8_string, data.data_size);
}

// libmaxminddb lookups only read the memory-mapped file: safe from any number of threads.
class MmdbLocator final : public Locator {
 public:
  ~MmdbLocator() override {
    if (open_) MMDB_close(&mmdb_);
  }

  static Result<std::unique_ptr<Locator>> Open(const std::string& path) {
    struct stat st {};
    if (stat(path.c_str(), &st) != 0) {
      const int err = errno;
      return Fail(err == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                  std::string("cannot open MaxMind database: ") + std::strerror(err), path);
    }
    auto locator = std::unique_ptr<MmdbLocator>(new MmdbLocator());
    const int r = MMDB_open(path.c_str(), MMDB_MODE_MMAP, &locator->mmdb_);
    if (r != MMDB_SUCCESS) {
      const int err = errno;
      if (r == MMDB_FILE_OPEN_ERROR || r == MMDB_IO_ERROR) {
        return Fail(err == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                    std::string("cannot open MaxMind database: ") + std::strerror(err), path);
      }
      return Fail(ErrorCode::kParse, std::string("not a MaxMind database: ") + MMDB_strerror(r),
                  path);
    }
    locator->open_ = true;
    const auto& meta = locator->mmdb_.metadata;
    locator->describe_ = "MaxMind DB " + path + " (" +
                         (meta.database_type ? std::string(meta.database_type) + ", " : "") +
                         "data of " + DateOf(static_cast<time_t>(meta.build_epoch)) + ")";
    return std::unique_ptr<Locator>(std::move(locator));
  }

  GeoResult Lookup(std::string_view ip) const override {
    GeoResult out;
    in6_addr addr;
    if (!internal::ParseIp(ip, &addr) || IsSpecialAddress(addr)) return out;
    sockaddr_storage ss{};
    if (IN6_IS_ADDR_V4MAPPED(&addr)) {
      auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
      sin->sin_family = AF_INET;
      std::memcpy(&sin->sin_addr, addr.s6_addr + 12, 4);
    } else {
      auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
      sin6->sin6_family = AF_INET6;
      sin6->sin6_addr = addr;
    }
    int mmdb_error = MMDB_SUCCESS;
    MMDB_lookup_result_s res =
        MMDB_lookup_sockaddr(&mmdb_, reinterpret_cast<const sockaddr*>(&ss), &mmdb_error);
    if (mmdb_error != MMDB_SUCCESS || !res.found_entry) return out;
    static constexpr const char* kProxy[] = {"traits", "is_anonymous_proxy", nullptr};
    static constexpr const char* kSatellite[] = {"traits", "is_satellite_provider", nullptr};
    // GeoIP2 Anonymous IP style databases.
    static constexpr const char* kAnonymous[] = {"is_anonymous", nullptr};
    static constexpr const char* kVpn[] = {"is_anonymous_vpn", nullptr};
    static constexpr const char* kTor[] = {"is_tor_exit_node", nullptr};
    static constexpr const char* kPublicProxy[] = {"is_public_proxy", nullptr};
    out.anonymous = GetBool(&res.entry, kProxy) || GetBool(&res.entry, kSatellite) ||
                    GetBool(&res.entry, kAnonymous) || GetBool(&res.entry, kVpn) ||
                    GetBool(&res.entry, kTor) || GetBool(&res.entry, kPublicProxy);
    if (out.anonymous) return out;
    static constexpr const char* kCountry[] = {"country", "iso_code", nullptr};
    static constexpr const char* kSubdivision[] = {"subdivisions", "0", "iso_code", nullptr};
    out.country = CountryOrEmpty(GetString(&res.entry, kCountry).c_str());
    if (out.country.empty()) return out;
    const std::string sub = GetString(&res.entry, kSubdivision);
    bool ok = !sub.empty() && sub.size() <= 3;
    for (char c : sub) ok = ok && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                                   (c >= '0' && c <= '9'));
    if (ok) {
      out.region = out.country + "-" + sub;
      for (char& c : out.region) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
      }
    }
    return out;
  }

  std::string Describe() const override { return describe_; }

 private:
  MmdbLocator() = default;
  MMDB_s mmdb_{};
  bool open_ = false;
  std::string describe_;
};

}  // namespace

Result<std::unique_ptr<Locator>> Locator::OpenLibloc(const std::string& path) {
  return LiblocLocator::Open(path);
}

Result<std::unique_ptr<Locator>> Locator::OpenMmdb(const std::string& path) {
  return MmdbLocator::Open(path);
}

}  // namespace bantay::meta
