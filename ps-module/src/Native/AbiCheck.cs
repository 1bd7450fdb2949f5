using System;
using System.Runtime.InteropServices;

namespace HybridMailFlow.Native
{
    /// <summary>
    /// Compares the size of every struct this assembly reads with the engine's own (hmf_struct_size): a layout
    /// that drifted is refused at import instead of being read wrongly.
    /// </summary>
    internal static class AbiCheck
    {
        internal static void CheckStructSizes(string path)
        {
            Check(path, 1, "hmf_str", Marshal.SizeOf(typeof(HmfStr)));
            Check(path, 2, "hmf_error", Marshal.SizeOf(typeof(HmfError)));
            Check(path, 3, "hmf_item", Marshal.SizeOf(typeof(HmfItem)));
            Check(path, 4, "hmf_protocol_entry", Marshal.SizeOf(typeof(HmfProtocolEntry)));
            Check(path, 5, "hmf_session", Marshal.SizeOf(typeof(HmfSession)));
            Check(path, 6, "hmf_certificate", Marshal.SizeOf(typeof(HmfCertificate)));
            Check(path, 7, "hmf_message", Marshal.SizeOf(typeof(HmfMessage)));
            Check(path, 8, "hmf_file_event", Marshal.SizeOf(typeof(HmfFileEvent)));
            Check(path, 9, "hmf_batch_view", Marshal.SizeOf(typeof(HmfBatchView)));
            Check(path, 11, "hmf_str_list", Marshal.SizeOf(typeof(HmfStrList)));
            Check(path, 12, "hmf_finding", Marshal.SizeOf(typeof(HmfFinding)));
            Check(path, 13, "hmf_tracking_event", Marshal.SizeOf(typeof(HmfTrackingEvent)));
            Check(path, 14, "hmf_latency_component", Marshal.SizeOf(typeof(HmfLatencyComponent)));
            Check(path, 16, "hmf_cert_name_match", Marshal.SizeOf(typeof(HmfCertNameMatch)));
            Check(path, 17, "hmf_span", Marshal.SizeOf(typeof(HmfSpan)));
            Check(path, 18, "hmf_queue_advice", Marshal.SizeOf(typeof(HmfQueueAdvice)));
            Check(path, 19, "hmf_route", Marshal.SizeOf(typeof(HmfRoute)));
            Check(path, 20, "hmf_address_info", Marshal.SizeOf(typeof(HmfAddressInfo)));
            Check(path, 21, "hmf_ip_range_info", Marshal.SizeOf(typeof(HmfIpRangeInfo)));
            Check(path, 23, "hmf_stats", Marshal.SizeOf(typeof(HmfStats)));
            Check(path, 24, "hmf_timeline", Marshal.SizeOf(typeof(HmfTimeline)));
            Check(path, 25, "hmf_hop", Marshal.SizeOf(typeof(HmfHop)));
            Check(path, 26, "hmf_timeline_flag", Marshal.SizeOf(typeof(HmfTimelineFlag)));
            Check(path, 27, "hmf_trace_issue", Marshal.SizeOf(typeof(HmfTraceIssue)));
            Check(path, 28, "hmf_timeline_stats", Marshal.SizeOf(typeof(HmfTimelineStats)));
            Check(path, 29, "hmf_evidence_file", Marshal.SizeOf(typeof(HmfEvidenceFile)));
            Check(path, 30, "hmf_trace_event", Marshal.SizeOf(typeof(HmfTraceEvent)));
        }

        private static void Check(string path, uint id, string name, int managedSize)
        {
            var nativeSize = (ulong)NativeMethods.hmf_struct_size(id);
            if (nativeSize != (ulong)managedSize)
            {
                throw new InvalidOperationException(string.Format(
                    "'{0}': {1} is {2} bytes in the engine and {3} in this assembly. The module's files come from different builds: reinstall the module.",
                    path, name, nativeSize, managedSize));
            }
        }
    }
}
