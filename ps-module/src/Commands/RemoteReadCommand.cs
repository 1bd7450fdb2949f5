using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Remoting;
using System.Management.Automation.Runspaces;
using System.Threading;

namespace HybridMailFlow.Commands
{
    /// <summary>
    /// What the log-reading commands share to run on many servers at once: -ComputerName, -Session, -Credential and
    /// -ThrottleLimit, and the one fan-out that runs the same command, with the same filters, on every server through
    /// PowerShell remoting (Invoke-Command), so that each server parses its own logs and only the matching objects
    /// travel. The servers' streams are merged in time order as they arrive; a server that fails is a
    /// non-terminating error naming it and the fix, and the others go on.
    /// </summary>
    public abstract class RemoteReadCommand : PSCmdlet
    {
        private static readonly HashSet<string> NotForwarded = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "ComputerName", "Session", "Credential", "ThrottleLimit", "InputObject", "TransportServiceLogPath", "PipelineName",
            // Exchange Online's trace is read on the computer that asks (Trace-HybridMessage sends it as data).
            "MessageTrace",
            "ErrorAction", "WarningAction", "InformationAction", "ProgressAction", "ErrorVariable", "WarningVariable",
            "InformationVariable", "OutVariable", "OutBuffer", "PipelineVariable", "Debug", "WhatIf", "Confirm",
        };

        /// <summary>
        /// Runs on each server. Its text is fixed: every value of the caller goes as an argument, never into the
        /// script, so a hostile path or address cannot become code. The server must have this very version of the
        /// module: another version's filters and objects may differ, and the error says how to install it.
        /// </summary>
        private const string ServerScript = @"
param([string] $Version, [string] $CommandName, [hashtable] $Parameters)
$module = Get-Module -Name HybridMailFlow | Where-Object { $_.Version -eq [version] $Version } | Select-Object -First 1
if (-not $module) {
    $module = Import-Module -Name HybridMailFlow -RequiredVersion $Version -PassThru -ErrorAction SilentlyContinue -ErrorVariable importError
}
if (-not $module) {
    $installed = @(Get-Module -ListAvailable -Name HybridMailFlow | ForEach-Object { $_.Version.ToString() } | Sort-Object -Unique)
    $fix = ""Install HybridMailFlow $Version on the server: copy the module's folder from the computer that asked (Get-Module HybridMailFlow | Select-Object ModuleBase) to a folder of the server's PSModulePath, such as $env:ProgramFiles\WindowsPowerShell\Modules\HybridMailFlow\$Version.""
    if ($installed -contains $Version) {
        Write-Error -Message ""HybridMailFlow $Version is installed on this server but does not load: $importError"" -ErrorId 'HybridMailFlow.RemoteModuleNotLoaded' -Category ResourceUnavailable
    } elseif ($installed.Count -gt 0) {
        Write-Error -Message ""HybridMailFlow $($installed -join ', ') is installed on this server, not $Version as on the computer that asked: two versions may filter and describe differently. $fix"" -ErrorId 'HybridMailFlow.RemoteModuleVersion' -Category NotInstalled
    } else {
        Write-Error -Message ""HybridMailFlow is not installed on this server. $fix"" -ErrorId 'HybridMailFlow.RemoteModuleMissing' -Category NotInstalled
    }
    return
}
$command = $module.ExportedCommands[$CommandName]
& $command @Parameters
";

        private readonly List<string> computers = new List<string>();
        private readonly Dictionary<string, List<string>> gathered = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);

        /// <summary>The parameters given on the command line: what the servers get, with the paths gathered from the pipeline.</summary>
        private Dictionary<string, object> commandLine = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Fqdn", "CN")]
        [ValidateNotNullOrEmpty]
        public string[] ComputerName { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public PSSession[] Session { get; set; }

        [Parameter]
        [Credential]
        public PSCredential Credential { get; set; }

        [Parameter]
        [ValidateRange(1, 1000)]
        public int ThrottleLimit { get; set; } = 32;

        /// <summary>
        /// Set from the pipeline by Get-TransportService, Get-FrontendTransportService and Get-MailboxTransportService
        /// objects, which all have a ReceiveProtocolLogPath and may have no Fqdn: such an object is a server, named by
        /// its Name. A property only transport services have keeps files (which have a Name too) out.
        /// </summary>
        [Parameter(ValueFromPipelineByPropertyName = true, DontShow = true)]
        [Alias("ReceiveProtocolLogPath")]
        public string TransportServiceLogPath { get; set; }

        /// <summary>The Name of the pipeline object: the server, when the object is a transport service.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true, DontShow = true)]
        [Alias("Name")]
        public string PipelineName { get; set; }

        /// <summary>
        /// True when the current pipeline object is a server (an Exchange server's Fqdn, a transport service's
        /// Name) rather than a path: the text PowerShell also binds to -Path from it is not one.
        /// </summary>
        protected bool RecordIsServer { get; private set; }

        protected override void BeginProcessing()
        {
            commandLine = new Dictionary<string, object>(MyInvocation.BoundParameters, StringComparer.OrdinalIgnoreCase);
        }

        /// <summary>True when the command runs on servers rather than on this computer's files.</summary>
        protected bool OnServers
        {
            get { return computers.Count > 0 || Session != null; }
        }

        /// <summary>The servers the command runs on, as given.</summary>
        protected IEnumerable<string> ServerNames()
        {
            return Session != null ? Session.Select(s => s.ComputerName) : computers;
        }

        /// <summary>
        /// From ProcessRecord: notes the servers of this pipeline object, and whether the command runs on them.
        /// </summary>
        protected bool GatherServers()
        {
            var fromPipeline = ComputerName != null && !commandLine.ContainsKey("ComputerName");
            var transportService = !string.IsNullOrEmpty(TransportServiceLogPath) && !commandLine.ContainsKey("TransportServiceLogPath");
            RecordIsServer = fromPipeline || transportService;
            var names = new List<string>(ComputerName ?? new string[0]);
            if (transportService && !fromPipeline && !string.IsNullOrWhiteSpace(PipelineName))
            {
                names.Add(PipelineName.Trim());
            }
            foreach (var name in names)
            {
                if (!computers.Contains(name, StringComparer.OrdinalIgnoreCase))
                {
                    computers.Add(name);
                }
            }
            if (computers.Count > 0 && Session != null)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new ArgumentException("Give either -ComputerName or -Session, not both."),
                    "HybridMailFlow.ComputerNameAndSession", ErrorCategory.InvalidArgument, null));
            }
            return OnServers;
        }

        /// <summary>
        /// Keeps the values of a parameter bound from the pipeline record by record, for the servers: they are paths
        /// on the servers, not resolved here. Nothing is kept from a record that is a server.
        /// </summary>
        protected void GatherForServers(string parameter, string[] values)
        {
            if (values == null || RecordIsServer)
            {
                return;
            }
            List<string> list;
            if (!gathered.TryGetValue(parameter, out list))
            {
                list = new List<string>();
                gathered[parameter] = list;
            }
            list.AddRange(values);
        }

        /// <summary>
        /// Runs this command with its bound parameters (and <paramref name="extra"/>) on every server and hands each
        /// object to <paramref name="sink"/>: ordered by the time property <paramref name="orderProperty"/> across
        /// servers (each server's stream is in that order already), or as they arrive when it is null. The sink
        /// returns false to stop reading (a result size reached).
        /// </summary>
        protected void ReadOnServers(string orderProperty, Func<PSObject, bool> sink, IDictionary extra = null)
        {
            var job = StartJob(ServerParameters(extra));
            try
            {
                Merge(job, orderProperty, sink);
            }
            finally
            {
                job.StopJob();
                InvokeCommand.InvokeScript(false, ScriptBlock.Create("param($job) Remove-Job -Job $job -Force"), null, job);
            }
        }

        private Hashtable ServerParameters(IDictionary extra)
        {
            var parameters = new Hashtable(StringComparer.OrdinalIgnoreCase);
            foreach (var bound in commandLine)
            {
                if (!NotForwarded.Contains(bound.Key))
                {
                    parameters[bound.Key] = Portable(bound.Value);
                }
            }
            foreach (var values in gathered)
            {
                parameters[values.Key] = values.Value.ToArray();
            }
            if (extra != null)
            {
                foreach (DictionaryEntry entry in extra)
                {
                    parameters[entry.Key] = entry.Value;
                }
            }
            return parameters;
        }

        /// <summary>A parameter value as it crosses to another PowerShell, whose types may be of another build: plain values.</summary>
        private static object Portable(object value)
        {
            if (value is SwitchParameter)
            {
                return ((SwitchParameter)value).IsPresent;
            }
            if (value is Enum || value is ResultSize)
            {
                return value.ToString();
            }
            var values = value as Array;
            if (values != null && values.GetType().GetElementType().IsEnum)
            {
                return values.Cast<object>().Select(v => v.ToString()).ToArray();
            }
            return value;
        }

        private Job StartJob(Hashtable parameters)
        {
            var version = typeof(RemoteReadCommand).Assembly.GetName().Version;
            var invoke = new Hashtable(StringComparer.OrdinalIgnoreCase)
            {
                { "ScriptBlock", ScriptBlock.Create(ServerScript) },
                { "ArgumentList", new object[] { new Version(version.Major, version.Minor, version.Build).ToString(), MyInvocation.MyCommand.Name, parameters } },
                { "ThrottleLimit", ThrottleLimit },
                { "AsJob", true },
            };
            if (Session != null)
            {
                invoke["Session"] = Session;
            }
            else
            {
                invoke["ComputerName"] = computers.ToArray();
                if (Credential != null)
                {
                    invoke["Credential"] = Credential;
                }
            }
            try
            {
                var started = InvokeCommand.InvokeScript(false, ScriptBlock.Create("param($invoke) Invoke-Command @invoke"), null, invoke);
                return (Job)started[0].BaseObject;
            }
            catch (RuntimeException e)
            {
                // No server can be tried: this computer cannot do remoting of that kind (no WinRM client on Linux or macOS).
                ThrowTerminatingError(new ErrorRecord(
                    new RemoteServerException(string.Format(
                        "{0} could not be reached: {1} PowerShell remoting over WinRM (-ComputerName) needs Windows; from other systems, open sessions with New-PSSession -HostName (SSH) and give them to -Session.",
                        string.Join(", ", ServerNames()), e.Message), e),
                    "HybridMailFlow.RemotingUnavailable", ErrorCategory.ConnectionError, null));
                return null;
            }
        }

        /// <summary>
        /// Takes each server's objects as they arrive and writes them in time order: the oldest head of the
        /// servers' queues goes once every server still running has one, so a slow server holds the others back
        /// rather than its objects coming out of order.
        /// </summary>
        private void Merge(Job job, string orderProperty, Func<PSObject, bool> sink)
        {
            var servers = job.ChildJobs.ToArray();
            var queues = servers.Select(s => new Queue<PSObject>()).ToArray();
            var finished = new bool[servers.Length];
            var reported = new bool[servers.Length];
            using (var wake = new AutoResetEvent(false))
            {
                EventHandler<DataAddedEventArgs> added = (s, e) => wake.Set();
                EventHandler<JobStateEventArgs> changed = (s, e) => wake.Set();
                foreach (var server in servers)
                {
                    server.Output.DataAdded += added;
                    server.Error.DataAdded += added;
                    server.Warning.DataAdded += added;
                    server.StateChanged += changed;
                }
                try
                {
                    while (true)
                    {
                        for (int i = 0; i < servers.Length; i++)
                        {
                            if (finished[i])
                            {
                                continue;
                            }
                            // Finished is read before the last drain, so nothing written before the end is left behind.
                            var done = IsFinished(servers[i]);
                            foreach (var item in servers[i].Output.ReadAll())
                            {
                                queues[i].Enqueue(item);
                            }
                            reported[i] |= ForwardStreams(servers[i]);
                            if (done)
                            {
                                finished[i] = true;
                                if (!reported[i] && servers[i].JobStateInfo.State == JobState.Failed && servers[i].JobStateInfo.Reason != null)
                                {
                                    WriteError(ServerError(servers[i].Location, new ErrorRecord(servers[i].JobStateInfo.Reason, "HybridMailFlow.ServerFailed", ErrorCategory.ConnectionError, null)));
                                }
                            }
                        }
                        if (!WriteReady(queues, finished, orderProperty, sink))
                        {
                            return;
                        }
                        if (finished.All(f => f) && queues.All(q => q.Count == 0))
                        {
                            return;
                        }
                        if (Stopping)
                        {
                            return;
                        }
                        wake.WaitOne(250);
                    }
                }
                finally
                {
                    foreach (var server in servers)
                    {
                        server.Output.DataAdded -= added;
                        server.Error.DataAdded -= added;
                        server.Warning.DataAdded -= added;
                        server.StateChanged -= changed;
                    }
                }
            }
        }

        /// <summary>Writes what can go now; false when the sink wants no more.</summary>
        private static bool WriteReady(Queue<PSObject>[] queues, bool[] finished, string orderProperty, Func<PSObject, bool> sink)
        {
            while (true)
            {
                int next = -1;
                DateTime nextTime = DateTime.MaxValue;
                for (int i = 0; i < queues.Length; i++)
                {
                    if (queues[i].Count == 0)
                    {
                        if (!finished[i] && orderProperty != null)
                        {
                            // This server may still send something older.
                            return true;
                        }
                        continue;
                    }
                    var time = orderProperty == null ? DateTime.MinValue : TimeOf(queues[i].Peek(), orderProperty);
                    if (next < 0 || time < nextTime)
                    {
                        next = i;
                        nextTime = time;
                    }
                }
                if (next < 0)
                {
                    return true;
                }
                if (!sink(queues[next].Dequeue()))
                {
                    return false;
                }
            }
        }

        private static DateTime TimeOf(PSObject item, string property)
        {
            var p = item.Properties[property];
            var value = p == null ? null : p.Value;
            if (value is PSObject)
            {
                value = ((PSObject)value).BaseObject;
            }
            return value is DateTime ? ((DateTime)value).ToUniversalTime() : DateTime.MinValue;
        }

        private static bool IsFinished(Job job)
        {
            var state = job.JobStateInfo.State;
            return state == JobState.Completed || state == JobState.Failed || state == JobState.Stopped;
        }

        /// <summary>The server's errors and warnings, each naming the server; true when it had an error.</summary>
        private bool ForwardStreams(Job server)
        {
            var hadError = false;
            foreach (var error in server.Error.ReadAll())
            {
                WriteError(ServerError(server.Location, error));
                hadError = true;
            }
            foreach (var warning in server.Warning.ReadAll())
            {
                WriteWarning(server.Location + ": " + warning.Message);
            }
            foreach (var verbose in server.Verbose.ReadAll())
            {
                WriteVerbose(server.Location + ": " + verbose.Message);
            }
            return hadError;
        }

        /// <summary>An error of a server, naming the server, with the fix when the server could not be reached or used.</summary>
        internal static ErrorRecord ServerError(string server, ErrorRecord error)
        {
            var exception = error.Exception;
            var message = error.ErrorDetails != null && !string.IsNullOrEmpty(error.ErrorDetails.Message) ? error.ErrorDetails.Message : exception.Message;
            var id = error.FullyQualifiedErrorId.Split(',')[0];
            var category = error.CategoryInfo.Category;
            var transport = exception as PSRemotingTransportException;
            if (transport != null || exception is PSRemotingDataStructureException || exception is InvalidRunspaceStateException
                || id.StartsWith("PSSession", StringComparison.OrdinalIgnoreCase))
            {
                id = "HybridMailFlow.ServerUnreachable";
                category = ErrorCategory.ConnectionError;
                if (transport != null && transport.ErrorCode == 5 || message.IndexOf("Access is denied", StringComparison.OrdinalIgnoreCase) >= 0)
                {
                    id = "HybridMailFlow.ServerAccessDenied";
                    category = ErrorCategory.PermissionDenied;
                    message += " Run as a member of the server's local Administrators group (members of Exchange's Organization Management role group are), or give -Credential.";
                }
                else
                {
                    message += " Check that the server is on and reachable, and that PowerShell remoting is enabled there (Enable-PSRemoting -Force; Exchange servers have it on); with -Session, open a new session (New-PSSession).";
                }
            }
            var record = new ErrorRecord(new RemoteServerException(server + ": " + message, exception), id, category, server);
            return record;
        }
    }

    /// <summary>An error that happened on one of the servers a command ran on.</summary>
    public sealed class RemoteServerException : Exception
    {
        public RemoteServerException(string message, Exception inner) : base(message, inner)
        {
        }
    }
}
