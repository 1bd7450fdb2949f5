using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace HybridMailFlow.Native
{
    [StructLayout(LayoutKind.Sequential)]
    internal struct HmfFinding
    {
        public HmfStr RuleId;
        public int Code;
        public HmfStr EnhancedCode;
        public HmfStr Title;
        public HmfStr Meaning;
        public HmfStrList Causes;
        public HmfStrList Fix;
        public HmfStrList Commands;
        public HmfStrList References;
        public Severity Severity;
        public HmfStr MatchedText;
        public HmfStrList ContextText;
        public double Confidence;
    }

    /// <summary>A knowledge base with a user's rules; released with hmf_knowledge_base_free.</summary>
    internal sealed class KnowledgeBaseHandle : HmfSafeHandle
    {
        protected override void Free(IntPtr handle)
        {
            NativeMethods.hmf_knowledge_base_free(handle);
        }
    }

    /// <summary>Findings of one text; released with hmf_findings_free.</summary>
    internal sealed class FindingsHandle : HmfSafeHandle
    {
        protected override void Free(IntPtr handle)
        {
            NativeMethods.hmf_findings_free(handle);
        }
    }

    /// <summary>A kind of log (hmf_log_kind): where an error text was found, as the knowledge base's rules name it, and what a reader reads.</summary>
    [AbiEnum("hmf_log_kind", "HMF_LOG_KIND_")]
    public enum LogKind
    {
        Unknown = 0,
        ProtocolLog = 1,
        MessageTracking = 2,
        Queue = 3,
        MessageTrace = 4,
        Ndr = 5,
    }

    /// <summary>Calls into the knowledge base, and findings as objects.</summary>
    internal static class Diagnosis
    {
        /// <summary>A null handle: the engine's built-in rules.</summary>
        private static readonly KnowledgeBaseHandle BuiltinRules = new KnowledgeBaseHandle();

        public static KnowledgeBaseHandle LoadRules(string rulesText, string sourceName)
        {
            KnowledgeBaseHandle handle;
            NativeCall.Check(NativeMethods.hmf_knowledge_base_new(
                Utf8.Bytes(rulesText), Utf8.Length(rulesText), Utf8.Bytes(sourceName), Utf8.Length(sourceName), out handle));
            return handle;
        }

        /// <summary>Findings for `text`, best first; never empty.</summary>
        public static unsafe SmtpErrorDiagnosis[] Diagnose(KnowledgeBaseHandle knowledge, string text, uint direction, LogKind source, string preceding, bool all)
        {
            FindingsHandle findings;
            var textBytes = Utf8.Bytes(text);
            var precedingBytes = Utf8.Bytes(preceding);
            var kb = knowledge ?? BuiltinRules;
            NativeCall.Check(NativeMethods.hmf_diagnose(kb, textBytes, (UIntPtr)textBytes.Length, direction, (uint)source,
                precedingBytes, (UIntPtr)precedingBytes.Length, all, out findings));
            using (findings)
            {
                IntPtr items;
                UIntPtr count;
                NativeCall.Check(NativeMethods.hmf_findings_get(findings, out items, out count));
                return Read((HmfFinding*)items, (int)count, text, null);
            }
        }

        [MethodImpl(Jit.Eager)]
        internal static unsafe SmtpErrorDiagnosis[] Read(HmfFinding* items, int count, string input, string source)
        {
            var result = new SmtpErrorDiagnosis[count];
            for (int i = 0; i < count; i++)
            {
                var f = items[i];
                result[i] = new SmtpErrorDiagnosis
                {
                    RuleId = Utf8.Read(f.RuleId),
                    Code = f.Code < 0 ? (int?)null : f.Code,
                    EnhancedCode = Utf8.ReadOrNull(f.EnhancedCode),
                    Title = Utf8.Read(f.Title),
                    Meaning = Utf8.Read(f.Meaning),
                    Causes = Lists.Read(f.Causes),
                    Fix = Lists.Read(f.Fix),
                    Commands = Lists.Read(f.Commands),
                    References = Lists.Read(f.References),
                    Severity = AbiNames.Of(f.Severity),
                    MatchedText = Utf8.ReadOrNull(f.MatchedText),
                    Context = Lists.Read(f.ContextText),
                    Confidence = Math.Round(f.Confidence, 2),
                    // The text diagnosed may come from the caller rather than the engine: shown the same way.
                    Input = Untrusted.Printable(input),
                    Source = Untrusted.Printable(source),
                };
            }
            return result;
        }
    }

    /// <summary>Engine string lists as managed lists.</summary>
    internal static class Lists
    {
        [MethodImpl(Jit.Eager)]
        /// <summary>The strings of a list; <paramref name="raw"/> as the engine has them (see Utf8.ReadRaw).</summary>
        public static unsafe string[] ReadArray(HmfStrList list, bool raw = false)
        {
            var result = new string[(int)list.Len];
            var items = (HmfStr*)list.Items;
            for (int i = 0; i < result.Length; i++)
            {
                result[i] = raw ? Utf8.ReadRaw(items[i]) : Utf8.Read(items[i]);
            }
            return result;
        }

        public static ValueList<string> Read(HmfStrList list)
        {
            return list.Len == UIntPtr.Zero ? ValueList<string>.None : new ValueList<string>(ReadArray(list));
        }
    }
}
