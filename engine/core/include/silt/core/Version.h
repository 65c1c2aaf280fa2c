#pragma once

namespace silt {
/// Silt's version; part of every clip's identity (a clip is a pure function of template,
/// seed, clip index and this version).
const char* versionString();
}  // namespace silt
