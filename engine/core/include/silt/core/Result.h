#pragma once
// Result<T>: the channel for expected failures (bad scene file, missing asset, unwritable
// folder). An Error carries one complete, user-facing message that names the file, the
// place in it and what was expected; callers add context with Error::prefixed().

#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "silt/core/Check.h"

namespace silt {

struct Error {
    std::string message;  ///< complete sentence(s) shown to the user as is

    /// The same error with "context: " put in front, for callers that know more.
    [[nodiscard]] Error prefixed(const std::string& context) const {
        return Error{context + ": " + message};
    }
};

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : mState(std::move(value)) {}      // NOLINT: implicit by design
    Result(Error error) : mState(std::move(error)) {}  // NOLINT: implicit by design

    [[nodiscard]] bool ok() const { return std::holds_alternative<T>(mState); }
    explicit operator bool() const { return ok(); }

    T& value() & {
        SILT_CHECK(ok());
        return std::get<T>(mState);
    }
    const T& value() const& {
        SILT_CHECK(ok());
        return std::get<T>(mState);
    }
    T&& value() && {
        SILT_CHECK(ok());
        return std::get<T>(std::move(mState));
    }
    const Error& error() const {
        SILT_CHECK(!ok());
        return std::get<Error>(mState);
    }

    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

private:
    std::variant<T, Error> mState;
};

/// Result for operations that produce nothing but can fail.
class [[nodiscard]] Status {
public:
    Status() = default;
    Status(Error error) : mError(std::move(error)) {}  // NOLINT: implicit by design

    [[nodiscard]] bool ok() const { return !mError.has_value(); }
    explicit operator bool() const { return ok(); }
    const Error& error() const {
        SILT_CHECK(!ok());
        return *mError;
    }

private:
    std::optional<Error> mError;
};

}  // namespace silt
