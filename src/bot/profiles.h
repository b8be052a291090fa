// bot/profiles.h: partner profiles across sessions and nicknames (private to the module):
// merged when they share an identifier (account, email, phone, handle, payment id); phrasing
// similarity (character 3-grams) is reported as a weaker link and never merges.
#pragma once

#include <array>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "bot/bot.h"

namespace bantay::bot {

// Thread-safe.
class ProfileBook {
 public:
  struct Opened {
    std::string profile_id;
    bool returned_after_notice = false;  // a new session of a partner who got a notice
    bool referral = false;               // ... often enough to raise a referral
  };
  // A new conversation of the partner behind `account_key`.
  Opened Open(const std::string& account_key, const std::string& nick,
              const std::string& conversation_id, const EngineOptions& options);
  // A partner line and the details in it; merges profiles that share an identifier.
  void AddLine(const std::string& profile_id, std::string_view text,
               const std::vector<Detail>& details);
  void Noticed(const std::string& profile_id);
  void Identified(const std::string& profile_id, int level);
  void Level(const std::string& profile_id, int level);
  void Nick(const std::string& profile_id, const std::string& nick);

  // Every profile (merged ones once), with phrasing links at or above `similarity`.
  std::vector<PartnerProfile> All(double similarity) const;
  Result<PartnerProfile> Get(const std::string& profile_id, double similarity) const;

 private:
  static constexpr size_t kGramBuckets = 256;
  struct Entry {
    PartnerProfile profile;
    std::array<uint16_t, kGramBuckets> grams{};
    uint32_t gram_total = 0;
    uint32_t returns = 0;  // sessions opened after a notice
  };
  std::string Root(std::string id) const;  // REQUIRES: mu_ held
  // `why`: the kind of the identifier both shared ("email"). REQUIRES: mu_ held.
  void Merge(const std::string& into, const std::string& from, const std::string& why);
  void Similar(std::vector<PartnerProfile>* out, double similarity) const;  // REQUIRES: mu_

  mutable std::mutex mu_;
  uint64_t next_ = 1;
  std::unordered_map<std::string, Entry> entries_;           // by profile id (roots and merged)
  std::unordered_map<std::string, std::string> merged_into_; // merged id -> id it went into
  std::unordered_map<std::string, std::string> by_identifier_;  // "kind:value" -> profile id
};

}  // namespace bantay::bot
