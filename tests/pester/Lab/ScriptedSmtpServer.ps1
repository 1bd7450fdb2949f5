# A scripted SMTP server inside the test's own process (a background runspace), for what a real server will not do:
# hostile replies, a reply that is no SMTP at all, a reset, a TLS handshake cut off. It answers one connection on
# 127.0.0.1 with the replies given, in order: the first is the banner, each next one answers the next line the client
# sends; '<close>' closes the connection at once, without waiting for a line (after a 220 to STARTTLS the client
# sends a TLS hello, not a line). Being .NET only, it runs wherever the tests run, Windows (wine) included.
# Dot-source this file.

function Start-ScriptedSmtpServer {
    param([string[]] $Reply, [switch] $Reset)
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    $shell = [powershell]::Create()
    $null = $shell.AddScript({
            param($Listener, [string[]] $Reply, [bool] $Reset)
            $socket = $Listener.AcceptSocket()
            if ($Reset) {
                # Closing with a linger time of 0 sends a reset instead of a clean end.
                $socket.Close(0)
                return
            }
            $stream = [System.Net.Sockets.NetworkStream]::new($socket, $true)
            try {
                $reader = [System.IO.StreamReader]::new($stream, [System.Text.Encoding]::ASCII)
                $first = $true
                foreach ($text in $Reply) {
                    if ($text -eq '<close>') { return }
                    if (-not $first -and $null -eq $reader.ReadLine()) { return }
                    $first = $false
                    $bytes = [System.Text.Encoding]::UTF8.GetBytes(($text -replace "`n", "`r`n") + "`r`n")
                    $stream.Write($bytes, 0, $bytes.Length)
                }
                # Until the client closes.
                while ($null -ne $reader.ReadLine()) { }
            } finally {
                $stream.Dispose()
            }
        }).AddArgument($listener).AddArgument($Reply).AddArgument([bool] $Reset)
    [pscustomobject]@{ Port = $listener.LocalEndpoint.Port; Listener = $listener; Shell = $shell; Handle = $shell.BeginInvoke() }
}

function Stop-ScriptedSmtpServer {
    param($Server)
    if (-not $Server) { return }
    $Server.Listener.Stop()
    $null = $Server.Handle.AsyncWaitHandle.WaitOne(5000)
    $Server.Shell.Dispose()
}

# A listener that never accepts: the operating system completes the TCP handshake, and nothing ever answers.
function Start-SilentListener {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    [pscustomobject]@{ Port = $listener.LocalEndpoint.Port; Listener = $listener }
}

# Test-HybridSmtpEndpoint against a scripted server that answers with -Reply (or resets: -Reset); the server is
# stopped whatever happens.
function Invoke-ScriptedProbe {
    param([string[]] $Reply, [switch] $Reset, [hashtable] $Parameters = @{})
    $server = Start-ScriptedSmtpServer -Reply $Reply -Reset:$Reset
    try {
        Test-HybridSmtpEndpoint -ComputerName 127.0.0.1 -Port $server.Port -TimeoutSeconds 10 @Parameters
    } finally {
        Stop-ScriptedSmtpServer $server
    }
}
