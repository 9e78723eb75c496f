# The admin CLI's rendering of admin API answers (a daemon's JSON, strings from devices): no control
# character reaches the terminal raw, and --json output is the same JSON.
easd_fuzzer(admin_cli_render SOURCE admin_cli_render_fuzz.cpp LIBS easd_admin_cli)
