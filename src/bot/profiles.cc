// bot/profiles.cc: one profile per person: merges on shared identifiers, weak links on
// similar phrasing.
#include "bot/profiles.h"

#include <algorithm>
#include <cmath>

namespace bantay::bot {

namespace {

// Details that identify a person (a name or a city does not).
bool Identifying(const Detail& d) {
  return d.kind == "email" || d.kind == "phone" || d.kind == "handle" || d.kind == "paypal" ||
         d.kind == "bitcoin" || d.kind == "ethereum" || d.kind == "url";
}

std::string IdentifierKey(const Detail& d) {
  return d.kind + ":" + (d.kind == "handle" ? d.network + "/" : std::string()) + d.value;
}

template <class T>
void AddUnique(std::vector<T>* v, const T& x) {
  if (std::find(v->begin(), v->end(), x) == v->end()) v->push_back(x);
}

}  // namespace

std::string ProfileBook::Root(std::string id) const {
  for (auto it = merged_into_.find(id); it != merged_into_.end(); it = merged_into_.find(id)) {
    id = it->second;
  }
  return id;
}

ProfileBook::Opened ProfileBook::Open(const std::string& account_key, const std::string& nick,
                                      const std::string& conversation_id,
                                      const EngineOptions& options) {
  std::lock_guard lock(mu_);
  Opened out;
  std::string key = "account:" + account_key;
  auto it = by_identifier_.find(key);
  if (it == by_identifier_.end()) {
    char id[32];
    std::snprintf(id, sizeof id, "P-%06llu", static_cast<unsigned long long>(next_++));
    Entry& e = entries_[id];
    e.profile.id = id;
    e.profile.accounts.push_back(account_key);
    by_identifier_[key] = id;
    it = by_identifier_.find(key);
  }
  std::string root = Root(it->second);
  Entry& e = entries_.at(root);
  AddUnique(&e.profile.nicks, nick);
  e.profile.conversations.push_back(conversation_id);
  if (e.profile.notices > 0) {
    ++e.returns;
    e.profile.repeat_offender = true;
    out.returned_after_notice = true;
    if (e.returns >= options.referral_after_returns) e.profile.referral = true;
    out.referral = e.profile.referral;
  }
  out.profile_id = root;
  return out;
}

void ProfileBook::Merge(const std::string& into, const std::string& from, const std::string& why) {
  Entry& a = entries_.at(into);
  Entry& b = entries_.at(from);
  for (const auto& x : b.profile.accounts) {
    if (std::find(a.profile.accounts.begin(), a.profile.accounts.end(), x) !=
        a.profile.accounts.end()) {
      continue;
    }
    a.profile.accounts.push_back(x);
    // An account merged before keeps the reason it was merged for.
    std::string reason = "shared " + why;
    for (const auto& [account, r] : b.profile.same_person) {
      if (account == x) reason = r;
    }
    a.profile.same_person.emplace_back(x, std::move(reason));
  }
  for (const auto& x : b.profile.nicks) AddUnique(&a.profile.nicks, x);
  for (const auto& x : b.profile.conversations) AddUnique(&a.profile.conversations, x);
  a.profile.details.insert(a.profile.details.end(), b.profile.details.begin(),
                           b.profile.details.end());
  a.profile.max_level = std::max(a.profile.max_level, b.profile.max_level);
  a.profile.notices += b.profile.notices;
  a.profile.repeat_offender = a.profile.repeat_offender || b.profile.repeat_offender;
  a.profile.referral = a.profile.referral || b.profile.referral;
  for (size_t i = 0; i < kGramBuckets; ++i) {
    a.grams[i] = static_cast<uint16_t>(std::min<uint32_t>(65535, a.grams[i] + b.grams[i]));
  }
  a.gram_total += b.gram_total;
  a.returns += b.returns;
  b.profile = PartnerProfile{};
  b.profile.id = from;
  merged_into_[from] = into;
}

void ProfileBook::AddLine(const std::string& profile_id, std::string_view text,
                          const std::vector<Detail>& details) {
  std::lock_guard lock(mu_);
  std::string root = Root(profile_id);
  for (const Detail& d : details) {
    if (Identifying(d)) {
      std::string key = IdentifierKey(d);
      auto it = by_identifier_.find(key);
      if (it == by_identifier_.end()) {
        by_identifier_[key] = root;
      } else if (std::string other = Root(it->second); other != root) {
        // The older profile absorbs the newer one, so that ids stay stable.
        if (other < root) std::swap(other, root);
        Merge(root, other, d.kind);
      }
    }
  }
  Entry& e = entries_.at(root);
  e.profile.details.insert(e.profile.details.end(), details.begin(), details.end());
  // Character 3-grams of the lower-cased line, hashed into buckets.
  if (text.size() >= 3) {
    for (size_t i = 0; i + 3 <= text.size(); ++i) {
      uint32_t h = 2166136261u;
      for (size_t k = 0; k < 3; ++k) {
        char c = text[i + k];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
        h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
      }
      uint16_t& g = e.grams[h % kGramBuckets];
      if (g < 65535) ++g;
      ++e.gram_total;
    }
  }
}

void ProfileBook::Noticed(const std::string& profile_id) {
  std::lock_guard lock(mu_);
  ++entries_.at(Root(profile_id)).profile.notices;
}

void ProfileBook::Identified(const std::string& profile_id, int level) { Level(profile_id, level); }

void ProfileBook::Level(const std::string& profile_id, int level) {
  std::lock_guard lock(mu_);
  PartnerProfile& p = entries_.at(Root(profile_id)).profile;
  p.max_level = std::max(p.max_level, level);
}

void ProfileBook::Nick(const std::string& profile_id, const std::string& nick) {
  std::lock_guard lock(mu_);
  AddUnique(&entries_.at(Root(profile_id)).profile.nicks, nick);
}

void ProfileBook::Similar(std::vector<PartnerProfile>* out, double similarity) const {
  // Only profiles that showed intent, with enough text, are compared (a few per day; the
  // comparison is quadratic).
  constexpr uint32_t kMinGrams = 40;
  std::vector<std::pair<size_t, const Entry*>> cand;
  for (size_t i = 0; i < out->size(); ++i) {
    const Entry& e = entries_.at((*out)[i].id);
    if (e.profile.max_level >= kIntentShownLevel && e.gram_total >= kMinGrams) cand.push_back({i, &e});
  }
  for (size_t a = 0; a < cand.size(); ++a) {
    for (size_t b = a + 1; b < cand.size(); ++b) {
      double dot = 0, na = 0, nb = 0;
      for (size_t k = 0; k < kGramBuckets; ++k) {
        double x = cand[a].second->grams[k], y = cand[b].second->grams[k];
        dot += x * y;
        na += x * x;
        nb += y * y;
      }
      double cos = (na > 0 && nb > 0) ? dot / std::sqrt(na * nb) : 0;
      if (cos < similarity) continue;
      (*out)[cand[a].first].similar.push_back({(*out)[cand[b].first].id, cos});
      (*out)[cand[b].first].similar.push_back({(*out)[cand[a].first].id, cos});
    }
  }
}

std::vector<PartnerProfile> ProfileBook::All(double similarity) const {
  std::lock_guard lock(mu_);
  std::vector<PartnerProfile> out;
  for (const auto& [id, e] : entries_) {
    if (!merged_into_.count(id)) out.push_back(e.profile);
  }
  std::sort(out.begin(), out.end(),
            [](const PartnerProfile& a, const PartnerProfile& b) { return a.id < b.id; });
  Similar(&out, similarity);
  return out;
}

Result<PartnerProfile> ProfileBook::Get(const std::string& profile_id, double similarity) const {
  auto all = All(similarity);
  std::string root;
  {
    std::lock_guard lock(mu_);
    root = Root(profile_id);
  }
  for (auto& p : all) {
    if (p.id == root) return p;
  }
  return Fail(ErrorCode::kNotFound, "no profile \"" + profile_id + "\"");
}

}  // namespace bantay::bot
