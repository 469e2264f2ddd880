// The default topic model, compiled in with the assembler's .incbin: the file is binary, so it
// cannot travel in a string literal the way the taxonomy does. HEADWIRE_MODEL_FILE is the
// model's absolute path (cli/CMakeLists.txt).

#include "cli/embedded_data.h"

asm(".section .rodata.headwire_model,\"a\"\n"
    ".balign 16\n"
    ".globl headwire_model_begin\n"
    ".hidden headwire_model_begin\n"
    "headwire_model_begin:\n"
    ".incbin \"" HEADWIRE_MODEL_FILE
    "\"\n"
    ".globl headwire_model_end\n"
    ".hidden headwire_model_end\n"
    "headwire_model_end:\n"
    ".previous\n");

extern "C" const char headwire_model_begin[];
extern "C" const char headwire_model_end[];

namespace headwire::cli {

std::string_view DefaultModelBytes() {
  return std::string_view(headwire_model_begin,
                          static_cast<size_t>(headwire_model_end - headwire_model_begin));
}

}  // namespace headwire::cli
