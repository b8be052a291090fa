// cases/store_internal.h: pieces of the store shared between its files. Private to cases.
#pragma once

#include <functional>
#include <map>
#include <span>
#include <string>

#include <nlohmann/json.hpp>

#include "cases/cases.h"

namespace bantay::cases {

// Replaces every account id in a lead body (participants' authors, the scored account, IP
// links, the reporter) by `pseudonym(id)`.
void PseudonymiseBody(LeadKind kind, nlohmann::json* body,
                      const std::function<std::string(const std::string&)>& pseudonym);

// Who a referral identifies: pseudonym -> account id, and why (empty: a pseudonymous report).
struct ReferralIdentities {
  std::map<std::string, std::string, std::less<>> accounts;
  std::string reason;
};

// Builds the referral report of a case (XML, JSON, HTML) routed by `agencies`.
Result<ReferralReport> MakeReferral(const CaseDetail& detail, std::span<const Agency> agencies,
                                    std::string_view user, std::string_view now,
                                    const ReferralIdentities& identities = {});

}  // namespace bantay::cases
