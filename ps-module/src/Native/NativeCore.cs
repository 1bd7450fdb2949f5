using System;
using System.IO;
using System.Management.Automation;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace HybridMailFlow.Native
{
    /// <summary>Mirror of hmf_status. Numbers never change; new codes are appended.</summary>
    public enum HmfStatus
    {
        Ok = 0,
        NullArgument = 1,
        InvalidArgument = 2,
        InvalidUtf8 = 3,
        IoError = 4,
        Panic = 5,
        NotALog = 6,
        FieldCount = 7,
        BadTime = 8,
        LineTooLong = 9,
        BadQuoting = 10,
        BadValue = 11,
    }

    /// <summary>
    /// MethodImplOptions.AggressiveOptimization on PowerShell 7, for the methods that turn every engine item into an
    /// object: .NET's tiered compilation otherwise runs them as unoptimized and then instrumented code for the first
    /// thousands of items of a new PowerShell process (DOTNET_JitStdOutFile with DOTNET_JitDisasmSummary=1 lists the
    /// tier of each method compiled). A method such a method calls is compiled on its own, through the tiers,
    /// unless inlined: mark the callees too (this or AggressiveInlining).
    /// </summary>
    /// <summary>
    /// The ABI's one value for a number that is not there (not logged, not a number, no previous hop): INT64_MIN.
    /// </summary>
    internal static class Absent
    {
        internal const long Value = long.MinValue;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static long? OrNull(long value)
        {
            return value == Value ? (long?)null : value;
        }
    }

    internal static class Jit
    {
#if NETCOREAPP
        public const MethodImplOptions Eager = MethodImplOptions.AggressiveOptimization;
#else
        // .NET Framework (Windows PowerShell 5.1) has no tiers and always compiles fully; it predates the flag.
        public const MethodImplOptions Eager = 0;
#endif
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct HmfStr
    {
        public IntPtr Ptr;
        public UIntPtr Len;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct HmfError
    {
        public HmfStatus Status;
        public HmfStr Message;
        public HmfStr Path;
        public ulong Line;
    }

    /// <summary>A native handle whose release calls the matching hmf_*_free function.</summary>
    internal abstract class HmfSafeHandle : SafeHandle
    {
        protected HmfSafeHandle() : base(IntPtr.Zero, true)
        {
        }

        public override bool IsInvalid
        {
            get { return handle == IntPtr.Zero; }
        }

        protected abstract void Free(IntPtr handle);

        protected override bool ReleaseHandle()
        {
            Free(handle);
            return true;
        }
    }

    /// <summary>An error the engine reported: status, message, and the file and line it concerns.</summary>
    internal sealed class NativeError
    {
        public HmfStatus Status;
        public string Message;
        public string Path;
        public long Line;

        public static NativeError From(HmfError e)
        {
            return new NativeError
            {
                Status = e.Status,
                Message = Utf8.Read(e.Message),
                Path = Utf8.ReadOrNull(e.Path),
                Line = (long)e.Line,
            };
        }

        /// <summary>"path, line n: message", or the message alone when no file is concerned.</summary>
        public string Describe()
        {
            if (string.IsNullOrEmpty(Path))
            {
                return Message;
            }
            return Line > 0 ? string.Format("{0}, line {1}: {2}", Path, Line, Message) : string.Format("{0}: {1}", Path, Message);
        }

        /// <summary>
        /// The one place native errors become PowerShell errors: a stable id (HybridMailFlow.&lt;Status&gt;), a
        /// category, and the file as target so that `$Error[0].TargetObject` names it.
        /// </summary>
        public ErrorRecord ToErrorRecord()
        {
            Exception exception;
            ErrorCategory category;
            switch (Status)
            {
                case HmfStatus.IoError:
                    exception = new IOException(Describe());
                    category = ErrorCategory.ReadError;
                    break;
                case HmfStatus.NullArgument:
                case HmfStatus.InvalidArgument:
                case HmfStatus.InvalidUtf8:
                    exception = new ArgumentException(Describe());
                    category = ErrorCategory.InvalidArgument;
                    break;
                case HmfStatus.Panic:
                    exception = new InvalidOperationException(Describe());
                    category = ErrorCategory.NotSpecified;
                    break;
                default:
                    exception = new InvalidDataException(Describe());
                    category = ErrorCategory.InvalidData;
                    break;
            }
            return new ErrorRecord(exception, "HybridMailFlow." + Status, category, Path);
        }
    }

    /// <summary>A failed engine call, carrying the engine's last error.</summary>
    internal sealed class NativeException : Exception
    {
        public NativeException(NativeError error) : base(error.Describe())
        {
            Error = error;
        }

        public NativeError Error { get; private set; }

        public static NativeException FromLastError(HmfStatus status)
        {
            HmfError last;
            var error = NativeMethods.hmf_last_error(out last) == HmfStatus.Ok
                ? NativeError.From(last)
                : new NativeError { Status = status, Message = "the HybridMailFlow engine returned " + status };
            return new NativeException(error);
        }

        public ErrorRecord ToErrorRecord(object target)
        {
            var record = Error.ToErrorRecord();
            return target == null ? record : new ErrorRecord(record.Exception, record.FullyQualifiedErrorId, record.CategoryInfo.Category, target);
        }
    }
}
