/* Test set-up only, never shipped: Wine 8.0 (Debian 12) lacks bcryptprimitives.dll, whose
 * ProcessPrng Rust's std (1.78+) imports for random numbers, so no Rust program starts under it.
 * This stand-in answers ProcessPrng from advapi32's RtlGenRandom (SystemFunction036), which
 * Wine has. Built with mingw-w64 by tests/windows/wine-env.sh into the Wine prefix's system32. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
