using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace HybridMailFlow.Native
{
    /// <summary>
    /// Decodes each distinct string of a batch once: the engine hands repeated values (server, connector, event
    /// id, address, path) as the same pointer, and decoding is the dearest part of building an object.
    /// Only valid for one batch: pointers are reused after a batch is freed.
    /// </summary>
    internal sealed class StringCache
    {
        private readonly Dictionary<IntPtr, string> byPointer = new Dictionary<IntPtr, string>();

        /// <summary>The string, or null when it is empty.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public string Get(HmfStr s)
        {
            if (s.Len == UIntPtr.Zero)
            {
                return null;
            }
            string value;
            if (!byPointer.TryGetValue(s.Ptr, out value))
            {
                value = Utf8.Read(s);
                byPointer[s.Ptr] = value;
            }
            return value;
        }

        /// <summary>The strings of a list (empty members as empty strings).</summary>
        [MethodImpl(Jit.Eager)]
        public unsafe string[] Array(HmfStrList list)
        {
            var result = new string[(int)list.Len];
            var items = (HmfStr*)list.Items;
            for (int i = 0; i < result.Length; i++)
            {
                result[i] = Get(items[i]) ?? string.Empty;
            }
            return result;
        }

        public ValueList<string> List(HmfStrList list)
        {
            return list.Len == UIntPtr.Zero ? ValueList<string>.None : new ValueList<string>(Array(list));
        }
    }
}
