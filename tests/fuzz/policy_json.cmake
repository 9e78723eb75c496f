# Policies as JSON (the admin API's PUT /api/v1/policy bodies and the state store's policy rows).
easd_fuzzer(policy_json SOURCE policy_json_fuzz.cpp LIBS easd_provisioning)
