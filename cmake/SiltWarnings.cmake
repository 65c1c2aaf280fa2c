# One interface target carries the project's warning flags; every Silt target links it.
add_library(silt_warnings INTERFACE)
target_compile_options(silt_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                               -Wno-sign-conversion)
if(SILT_WERROR)
  target_compile_options(silt_warnings INTERFACE -Werror)
endif()
