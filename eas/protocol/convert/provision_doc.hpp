// A policy as the EASProvisionDoc of a Provision response ([MS-ASPROV] 2.2.2.28): the Data of a Policy
// whose PolicyType is MS-EAS-Provisioning-WBXML. Built by walking the field table (provisioning/policy.hpp).
#pragma once

#include "eas/core/protocol_version.hpp"
#include "eas/wbxml/element.hpp"
#include "provisioning/policy.hpp"

namespace easd::protocol::convert {

// The Provision:EASProvisionDoc element with every document setting the version knows (its `since` ≤
// `version`), in schema order; server-behaviour settings never appear. An unset uint_or_empty setting is
// an empty element ("no limit"); an empty application list is left out, because a present
// ApprovedApplicationList, even empty, allows only the applications it names ([MS-ASPROV] 2.2.2.22).
wbxml::element provision_doc(const provisioning::policy& p, protocol_version version);

}  // namespace easd::protocol::convert
