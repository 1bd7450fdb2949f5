using System;
using System.Collections.Generic;
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

        public void Add(string name, string detail = null)
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
            entry.Count++;
            Total++;
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
