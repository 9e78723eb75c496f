// Boost.JSON is header-only on Debian 12 (there is no libboost_json): its sources are compiled here, once,
// for every easd library that reads or writes JSON (Dovecot push, policies, the admin API). No other file
// of a library may include <boost/json/src.hpp>: the symbols would be defined twice.
#include <boost/json/src.hpp>
