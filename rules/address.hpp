// Mail addresses as rules see them: angle brackets stripped, split at the last '@',
// the domain compared case-insensitively, a "+detail" sub-address reduced to its base.
#pragma once

#include <string>
#include <string_view>

namespace verdict {

// "<a@b>" -> "a@b"; "<>" -> "" (the null sender). Other text is returned as given.
std::string_view strip_angle(std::string_view addr);

// The address as MTAs hand it to policy servers: angle brackets and a source route
// ("@relay:") dropped, a quoted local part unquoted ("x y"@d -> x y@d). Rules compare
// this form, so quoting or routing an address cannot slip past a rule.
std::string canonical_address(std::string_view addr);

struct AddressParts {
    std::string_view local;
    std::string_view domain;  // empty when there is no '@'
};
AddressParts split_address(std::string_view addr);

// local@domain with the domain lower-cased (everything lower-cased when fold_all).
std::string normalize_address(std::string_view addr, bool fold_all);

// The address or local part without its "+detail"; returns false when there is none.
bool strip_subaddress(std::string_view local, std::string_view& base);

}  // namespace verdict
