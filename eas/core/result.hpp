// Expected failures are values: result<T> holds a T or an error_code (STYLE.md 7).
#pragma once

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

namespace easd {

using error_code = boost::system::error_code;
template <class T>
using result = boost::system::result<T, error_code>;

}  // namespace easd
