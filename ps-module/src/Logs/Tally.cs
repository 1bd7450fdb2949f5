using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace HybridMailFlow.Commands
{
    /// <summary>
    /// Counts by name, without regard to case (the first spelling seen is shown), with a detail per name: what the
    /// mail-flow summary and the report count connectors, hosts, outcomes and errors with. Empty names are not counted.
    /// </summary>
    internal sealed class Tally
    {
        private readonly Dictionary<string, Entry> entries = new Dictionary<string, Entry>(StringComparer.OrdinalIgnoreCase);

        public long Total { get; private set; }

        public int Count
        {
            get { return entries.Count; }
        }

        public long this[string name]
        {
            get
            {
                Entry entry;
                return entries.TryGetValue(name, out entry) ? entry.Count : 0;
            }
        }

        public void Add(string name, string detail = null, long count = 1)
        {
            if (string.IsNullOrEmpty(name))
            {
                return;
            }
            Entry entry;
            if (!entries.TryGetValue(name, out entry))
            {
                entry = new Entry { Name = name, Detail = detail };
                entries[name] = entry;
            }
            entry.Count += count;
            Total += count;
        }

        /// <summary>Writes the counts, for another process to add them up with <see cref="Merge"/>.</summary>
        public void Save(BinaryWriter writer)
        {
            writer.Write(entries.Count);
            foreach (var entry in entries.Values)
            {
                writer.Write(entry.Name);
                writer.Write(entry.Detail != null);
                writer.Write(entry.Detail ?? string.Empty);
                writer.Write(entry.Count);
            }
        }

        /// <summary>Adds counts written by <see cref="Save"/>.</summary>
        public void Merge(BinaryReader reader)
        {
            var count = reader.ReadInt32();
            for (int i = 0; i < count; i++)
            {
                var name = reader.ReadString();
                var hasDetail = reader.ReadBoolean();
                var detail = reader.ReadString();
                Add(name, hasDetail ? detail : null, reader.ReadInt64());
            }
        }

        /// <summary>The `limit` biggest counts, biggest first (ties by name).</summary>
        public IEnumerable<Entry> Largest(int limit = int.MaxValue)
        {
            return entries.Values.OrderByDescending(e => e.Count).ThenBy(e => e.Name, StringComparer.OrdinalIgnoreCase).Take(limit);
        }

        internal sealed class Entry
        {
            public string Name;
            public string Detail;
            public long Count;
        }
    }
}
