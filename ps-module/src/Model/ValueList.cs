using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Runtime.CompilerServices;

namespace HybridMailFlow
{
    /// <summary>
    /// A read-only list whose text form is its items joined with "; ". Export-Csv writes a property with its
    /// ToString(), so this exports as the values instead of "System.String[]", while -contains, indexing and
    /// foreach work as on an array.
    /// </summary>
    public sealed class ValueList<T> : ReadOnlyCollection<T>
    {
        internal static readonly ValueList<T> None = new ValueList<T>(new T[0]);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public ValueList(IList<T> items) : base(items)
        {
        }

        public override string ToString()
        {
            return string.Join("; ", this);
        }
    }
}
