using System;
using System.Runtime.CompilerServices;

namespace HybridMailFlow.Native
{
    /// <summary>
    /// The one string interner of the interop layer: decodes values that repeat from record to record (server,
    /// connector, event id, addresses, EHLO name, extensions, TLS and certificate fields, response codes, paths) once
    /// per read rather than once per record. Sessions carried some sixty strings each, most of them the same as the
    /// previous session's: allocating them all again was the largest part of turning a session into an object, and
    /// of the garbage collector's work after it. A fixed number of slots, each holding the last string whose bytes
    /// hashed there: memory stays bounded however many distinct values a read meets. It compares content, not
    /// pointers, so one pool serves a whole read across batches (whose memory the engine reuses), and the rows of a
    /// timeline or trace import alike.
    /// </summary>
    internal sealed unsafe class StringPool
    {
        /// <summary>Slots for a one-off decode of a few records (a session's lines read again, a result's issues).</summary>
        internal const int FewSlots = 256;

        private const int ReadSlots = 4096;

        // Longer values (a banner with its time, an SMTP reply) rarely repeat: hashing them would cost more than
        // it saves.
        private const int MaxPooledBytes = 256;

        private readonly string[] strings;
        private readonly ulong[] hashes;
        private readonly int mask;

        /// <param name="slots">A power of two: the slots of a read by default.</param>
        public StringPool(int slots = ReadSlots)
        {
            strings = new string[slots];
            hashes = new ulong[slots];
            mask = slots - 1;
        }

        /// <summary>The string, or null when it is empty (as <see cref="Utf8.ReadOrNull"/>).</summary>
        [MethodImpl(Jit.Eager)]
        public string Get(HmfStr s)
        {
            int length = (int)s.Len;
            if (length == 0)
            {
                return null;
            }
            if (length > MaxPooledBytes || s.Ptr == IntPtr.Zero)
            {
                return Utf8.Read(s);
            }
            var bytes = (byte*)s.Ptr;
            ulong hash = Hash(bytes, length);
            int slot = (int)hash & mask;
            string pooled = strings[slot];
            if (pooled != null && hashes[slot] == hash && SameAscii(pooled, bytes, length))
            {
                return pooled;
            }
            string value = Utf8.Read(s);
            strings[slot] = value;
            hashes[slot] = hash;
            return value;
        }

        /// <summary>The strings of a list (empty members as empty strings), as a list.</summary>
        [MethodImpl(Jit.Eager)]
        public ValueList<string> List(HmfStrList list)
        {
            int count = (int)list.Len;
            if (count == 0)
            {
                return ValueList<string>.None;
            }
            var result = new string[count];
            var items = (HmfStr*)list.Items;
            for (int i = 0; i < count; i++)
            {
                result[i] = Get(items[i]) ?? string.Empty;
            }
            return new ValueList<string>(result);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static ulong Hash(byte* bytes, int length)
        {
            ulong hash = (ulong)length * 0x9E3779B97F4A7C15UL;
            int i = 0;
            for (; i + 8 <= length; i += 8)
            {
                // Unaligned 8-byte reads are allowed on every platform .NET runs PowerShell on (x64, x86, ARM64).
                hash = (hash ^ *(ulong*)(bytes + i)) * 0xFF51AFD7ED558CCDUL;
                hash ^= hash >> 32;
            }
            for (; i < length; i++)
            {
                hash = (hash ^ bytes[i]) * 0x100000001B3UL;
            }
            return hash ^ (hash >> 29);
        }

        // Only ASCII values are compared (and so pooled): for them one byte is one char, so equal lengths and equal
        // units mean equal text. Anything else is decoded each time.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static bool SameAscii(string pooled, byte* bytes, int length)
        {
            if (pooled.Length != length)
            {
                return false;
            }
            for (int i = 0; i < length; i++)
            {
                if (bytes[i] >= 0x80 || pooled[i] != bytes[i])
                {
                    return false;
                }
            }
            return true;
        }
    }
}
