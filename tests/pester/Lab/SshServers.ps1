# Stand-ins for Exchange servers reached by PowerShell remoting over SSH: one OpenSSH server per name, each a
# process of the test's own (no daemon, no system configuration touched) listening on its own loopback address,
# with pwsh as its "powershell" subsystem, its own host key, and key authentication with a key made here. Each runs
# in a UTS namespace of its own under the server's name, so the name it reports is CMHYBD01 and not this machine's,
# and sees its own copy of an Exchange folder through ExchangeInstallPath, as a real server would. Nothing listens
# outside 127.0.0.0/8. Dot-sourced by tests and the benchmark.

# A folder for the servers' PSModulePath holding only the module under test (a link to its folder): the build's out/
# also holds the wine prefix and the Windows test host, thousands of folders PowerShell's command discovery would walk
# on every command it looks up, which made each server's first command take minutes.
function New-HybridModuleRoot {
    param([Parameter(Mandatory = $true)] [string] $ModuleFolder, [Parameter(Mandatory = $true)] [string] $Folder)
    $null = New-Item -ItemType Directory -Path $Folder -Force
    $null = New-Item -ItemType SymbolicLink -Path (Join-Path $Folder (Split-Path $ModuleFolder -Leaf)) -Target $ModuleFolder -Force
    $Folder
}

function Test-HybridSshLabSupported {
    # What the lab needs, or why it cannot run here.
    if (-not $IsLinux) { return 'the SSH lab runs on Linux only' }
    if (-not (Test-Path -LiteralPath '/usr/sbin/sshd')) { return 'OpenSSH server is not installed (apt-get install openssh-server)' }
    if (-not (Get-Command -Name ssh -CommandType Application -ErrorAction Ignore)) { return 'the OpenSSH client (ssh) is not installed' }
    if ((& id -u) -ne '0') { return 'the SSH lab needs root (a UTS namespace per server, and sshd''s privilege separation)' }
    $null
}

function Start-HybridSshLab {
    # Starts one sshd per server: @{ Name = 'CMHYBD01'; Address = '127.0.0.2'; ExchangeInstallPath = '...';
    # ModulePath = '<folder holding HybridMailFlow>' }. Returns the lab (servers, key, known_hosts) for
    # New-HybridSshLabSession and Stop-HybridSshLab.
    param(
        [Parameter(Mandatory = $true)] [hashtable[]] $Server,
        [Parameter(Mandatory = $true)] [string] $Folder
    )
    $null = New-Item -ItemType Directory -Path $Folder -Force
    $clientKey = Join-Path $Folder 'client_ed25519'
    & ssh-keygen -q -t ed25519 -N '' -C 'hybridmailflow-test' -f $clientKey
    $authorized = Join-Path $Folder 'authorized_keys'
    Copy-Item -LiteralPath "$clientKey.pub" -Destination $authorized
    $knownHosts = Join-Path $Folder 'known_hosts'
    $null = New-Item -ItemType File -Path $knownHosts -Force
    # sshd refuses to start without its privilege separation folder.
    $null = New-Item -ItemType Directory -Path '/run/sshd' -Force
    $pwsh = (Get-Command -Name pwsh -CommandType Application | Select-Object -First 1).Source

    $lab = [pscustomobject]@{ Folder = $Folder; KeyFile = $clientKey; KnownHosts = $knownHosts; Servers = @() }
    foreach ($s in $Server) {
        $dir = Join-Path $Folder $s.Name
        $null = New-Item -ItemType Directory -Path $dir -Force
        $hostKey = Join-Path $dir 'host_ed25519'
        & ssh-keygen -q -t ed25519 -N '' -f $hostKey
        $port = Get-HybridFreePort -Address $s.Address
        $config = Join-Path $dir 'sshd_config'
        $environment = @("ExchangeInstallPath=$($s.ExchangeInstallPath)")
        if ($s.ModulePath) { $environment += "PSModulePath=$($s.ModulePath)" }
        @(
            "ListenAddress $($s.Address)"
            "Port $port"
            "HostKey $hostKey"
            'PidFile none'
            "AuthorizedKeysFile $authorized"
            'PubkeyAuthentication yes'
            'PasswordAuthentication no'
            'KbdInteractiveAuthentication no'
            'PermitRootLogin prohibit-password'
            # The test's temporary folder is not root-owned 0755 all the way up, which StrictModes demands.
            'StrictModes no'
            'UsePAM no'
            "SetEnv $($environment -join ' ')"
            "Subsystem powershell $pwsh -sshs -NoLogo -NoProfile"
        ) | Set-Content -LiteralPath $config -Encoding ascii
        Add-Content -LiteralPath $knownHosts -Value "[$($s.Address)]:$port $((Get-Content -LiteralPath "$hostKey.pub" -Raw).Trim())" -Encoding ascii

        $start = New-Object System.Diagnostics.ProcessStartInfo
        $start.FileName = 'unshare'
        foreach ($argument in '--uts', 'sh', '-c', 'hostname "$1" && exec /usr/sbin/sshd -D -e -f "$2"', 'sh', $s.Name, $config) {
            $start.ArgumentList.Add($argument)
        }
        $start.UseShellExecute = $false
        $start.RedirectStandardError = $true
        $start.RedirectStandardOutput = $true
        $process = [System.Diagnostics.Process]::Start($start)
        $log = New-Object System.Text.StringBuilder
        $null = Register-ObjectEvent -InputObject $process -EventName ErrorDataReceived -MessageData $log -Action { if ($EventArgs.Data) { [void] $Event.MessageData.AppendLine($EventArgs.Data) } }
        $process.BeginErrorReadLine()
        $lab.Servers += [pscustomobject]@{ Name = $s.Name; Address = $s.Address; Port = $port; Process = $process; Log = $log }
        Wait-HybridPort -Address $s.Address -Port $port -Process $process -Log $log
    }
    $lab
}

function New-HybridSshLabSession {
    # A PowerShell session over SSH to one server of the lab, checked against the host key the lab made.
    param(
        [Parameter(Mandatory = $true)] $Lab,
        [Parameter(Mandatory = $true)] [string] $Name
    )
    $s = $Lab.Servers | Where-Object Name -eq $Name
    New-PSSession -HostName $s.Address -Port $s.Port -UserName root -KeyFilePath $Lab.KeyFile -Name $Name -ErrorAction Stop `
        -Options @{ UserKnownHostsFile = $Lab.KnownHosts; StrictHostKeyChecking = 'yes'; GlobalKnownHostsFile = '/dev/null' }
}

function Stop-HybridSshLabServer {
    # Stops one server's sshd (and the sessions it serves), by its process id.
    param([Parameter(Mandatory = $true)] $Lab, [Parameter(Mandatory = $true)] [string] $Name)
    $s = $Lab.Servers | Where-Object Name -eq $Name
    if (-not $s.Process.HasExited) {
        # The whole tree: sshd's children serve the open sessions.
        $s.Process.Kill($true)
        $s.Process.WaitForExit()
    }
}

function Stop-HybridSshLab {
    param([Parameter(Mandatory = $true)] $Lab)
    foreach ($s in $Lab.Servers) {
        Stop-HybridSshLabServer -Lab $Lab -Name $s.Name
    }
}

function Get-HybridFreePort {
    param([string] $Address)
    $listener = New-Object System.Net.Sockets.TcpListener([System.Net.IPAddress]::Parse($Address), 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

function Wait-HybridPort {
    param([string] $Address, [int] $Port, $Process, $Log)
    $deadline = [DateTime]::UtcNow.AddSeconds(20)
    while ([DateTime]::UtcNow -lt $deadline) {
        if ($Process.HasExited) { throw "sshd on ${Address}:$Port ended: $Log" }
        $client = New-Object System.Net.Sockets.TcpClient
        try {
            $client.Connect($Address, $Port)
            return
        } catch {
            Start-Sleep -Milliseconds 100
        } finally {
            $client.Dispose()
        }
    }
    throw "sshd on ${Address}:$Port did not listen within 20 s: $Log"
}
