/* Test tooling only, never shipped: wine 8's bcryptprimitives.dll lacks ProcessPrng, which Rust's standard library
 * (1.78 and later) imports on Windows, so the engine cannot load under wine. Real Windows 10 / Server 2016 and later
 * have it. This stand-in is installed into the scratch wine prefix of the Windows tests (build/Windows.ps1). */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk)) return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
