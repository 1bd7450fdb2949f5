# Headless Chromium for the report's browser tests, driven through its DevTools protocol: one WebSocket to the
# browser (ClientWebSocket), one page attached to it, every event kept so that a test can read the requests, console
# messages, exceptions and Content-Security-Policy violations of the page. Dot-sourced by Report.Tests.ps1.
# Chromium is a Linux program here: the tests that use it run on Linux only.

# The chromium executable; installs Debian's package when it is missing and this is root with apt-get (.ci/run
# installs it too). Returns $null, and the reason in $script:ChromiumMissing, when there is none.
function Get-TestChromium {
    foreach ($name in 'chromium', 'chromium-browser') {
        $command = Get-Command $name -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
        if ($command) { return $command.Source }
    }
    $apt = Get-Command apt-get -CommandType Application -ErrorAction SilentlyContinue
    $isRoot = (& id -u 2>$null) -eq '0'
    if ($apt -and $isRoot) {
        & $apt.Source update -qq *> $null
        & $apt.Source install -y -qq chromium *> $null
        $command = Get-Command chromium -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
        if ($command) { return $command.Source }
    }
    $script:ChromiumMissing = 'chromium is not installed and could not be installed (apt-get install chromium, as root)'
    $null
}

# Starts Chromium headless on a new profile, with DevTools on 127.0.0.1 (a port of the system's choosing, read from
# the profile's DevToolsActivePort), and attaches to a new page. The flags keep it from reaching any network service.
function Start-TestChromium {
    param([Parameter(Mandatory = $true)] [string] $Executable, [Parameter(Mandatory = $true)] [string] $WorkFolder)
    $userData = Join-Path $WorkFolder ('profile-' + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory -Path $userData -Force
    $arguments = @('--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--disable-extensions', '--disable-default-apps', '--hide-scrollbars', '--mute-audio',
        '--remote-debugging-address=127.0.0.1', '--remote-debugging-port=0', '--window-size=1400,1000', "--user-data-dir=$userData", 'about:blank')
    $start = New-Object System.Diagnostics.ProcessStartInfo
    $start.FileName = $Executable
    $start.Arguments = ($arguments | ForEach-Object { '"' + $_ + '"' }) -join ' '
    $start.UseShellExecute = $false
    $start.RedirectStandardError = $true
    $start.RedirectStandardOutput = $true
    $process = [System.Diagnostics.Process]::Start($start)
    # Read what it prints, so that a full pipe never blocks it.
    $null = $process.StandardError.ReadToEndAsync()
    $null = $process.StandardOutput.ReadToEndAsync()

    $portFile = Join-Path $userData 'DevToolsActivePort'
    $deadline = [DateTime]::UtcNow.AddSeconds(30)
    while (-not (Test-Path -LiteralPath $portFile) -or @(Get-Content -LiteralPath $portFile).Count -lt 2) {
        if ($process.HasExited) { throw "chromium exited with code $($process.ExitCode) before DevTools was listening" }
        if ([DateTime]::UtcNow -gt $deadline) { $process.Kill(); throw 'chromium did not open DevTools within 30 s' }
        Start-Sleep -Milliseconds 100
    }
    $port, $path = Get-Content -LiteralPath $portFile
    $socket = New-Object System.Net.WebSockets.ClientWebSocket
    $null = $socket.ConnectAsync([uri]"ws://127.0.0.1:$port$path", [System.Threading.CancellationToken]::None).GetAwaiter().GetResult()
    $browser = [pscustomobject]@{
        Process   = $process
        Socket    = $socket
        NextId    = 0
        SessionId = $null
        Events    = New-Object System.Collections.Generic.List[object]
        Buffer    = New-Object byte[] 1048576
    }
    $target = Send-DevTools $browser 'Target.createTarget' @{ url = 'about:blank' }
    $browser.SessionId = (Send-DevTools $browser 'Target.attachToTarget' @{ targetId = $target.targetId; flatten = $true }).sessionId
    # Every Content-Security-Policy violation of the page, whatever caused it, recorded before any script of its own runs.
    $null = Send-DevTools $browser 'Page.addScriptToEvaluateOnNewDocument' @{ source = "window.__violations = []; document.addEventListener('securitypolicyviolation', function (e) { window.__violations.push(e.violatedDirective + ' ' + e.blockedURI); });" }
    foreach ($domain in 'Page', 'Network', 'Runtime', 'Log') {
        $null = Send-DevTools $browser "$domain.enable"
    }
    $browser
}

function Stop-TestChromium {
    param($Browser)
    if (-not $Browser) { return }
    try {
        $null = Send-DevTools $Browser 'Browser.close' -ToBrowser -TimeoutSeconds 5
    } catch {
        # Closing drops the socket before or after the reply; either is fine.
    }
    if (-not $Browser.Process.WaitForExit(10000)) { $Browser.Process.Kill() }
    $Browser.Socket.Dispose()
}

function Receive-DevToolsMessage {
    param($Browser, [DateTime] $Deadline)
    $text = New-Object System.Text.StringBuilder
    do {
        $remaining = $Deadline - [DateTime]::UtcNow
        if ($remaining -le [TimeSpan]::Zero) { throw 'No answer from chromium in time' }
        $cancel = New-Object System.Threading.CancellationTokenSource $remaining
        $segment = New-Object System.ArraySegment[byte] -ArgumentList @(, $Browser.Buffer)
        $result = $Browser.Socket.ReceiveAsync($segment, $cancel.Token).GetAwaiter().GetResult()
        if ($result.MessageType -eq [System.Net.WebSockets.WebSocketMessageType]::Close) { throw 'chromium closed the DevTools connection' }
        $null = $text.Append([System.Text.Encoding]::UTF8.GetString($Browser.Buffer, 0, $result.Count))
    } while (-not $result.EndOfMessage)
    $text.ToString() | ConvertFrom-Json
}

# Sends one command to the page (or, with -ToBrowser, to the browser) and returns its result; events that arrive
# meanwhile are kept in $Browser.Events.
function Send-DevTools {
    param($Browser, [string] $Method, [hashtable] $Params = @{}, [switch] $ToBrowser, [int] $TimeoutSeconds = 60)
    $Browser.NextId++
    $id = $Browser.NextId
    $message = @{ id = $id; method = $Method; params = $Params }
    if (-not $ToBrowser -and $Browser.SessionId) { $message.sessionId = $Browser.SessionId }
    $bytes = [System.Text.Encoding]::UTF8.GetBytes(($message | ConvertTo-Json -Depth 10 -Compress))
    $segment = New-Object System.ArraySegment[byte] -ArgumentList @(, $bytes)
    $null = $Browser.Socket.SendAsync($segment, [System.Net.WebSockets.WebSocketMessageType]::Text, $true, [System.Threading.CancellationToken]::None).GetAwaiter().GetResult()
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ($true) {
        $reply = Receive-DevToolsMessage $Browser $deadline
        if ($reply.PSObject.Properties['id'] -and $reply.id -eq $id) {
            if ($reply.PSObject.Properties['error']) { throw "DevTools $Method failed: $($reply.error.message)" }
            return $reply.result
        }
        if ($reply.PSObject.Properties['method']) { $Browser.Events.Add($reply) }
    }
}

function Wait-DevToolsEvent {
    param($Browser, [string] $Method, [int] $TimeoutSeconds = 60)
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while (-not ($Browser.Events | Where-Object { $_.method -eq $Method })) {
        $message = Receive-DevToolsMessage $Browser $deadline
        if ($message.PSObject.Properties['method']) { $Browser.Events.Add($message) }
    }
}

# Opens a file in the page and waits for its load event; the events of the previous page are dropped.
function Open-TestPage {
    param($Browser, [string] $Path)
    $Browser.Events.Clear()
    $url = (New-Object System.Uri (Resolve-Path -LiteralPath $Path).Path).AbsoluteUri
    $null = Send-DevTools $Browser 'Page.navigate' @{ url = $url }
    Wait-DevToolsEvent $Browser 'Page.loadEventFired'
    $url
}

# Runs JavaScript in the page and returns its value (objects as JSON-shaped values).
function Invoke-PageScript {
    param($Browser, [string] $Expression)
    $result = Send-DevTools $Browser 'Runtime.evaluate' @{ expression = $Expression; returnByValue = $true; awaitPromise = $true }
    if ($result.PSObject.Properties['exceptionDetails']) { throw "The page's script failed: $($result.exceptionDetails.exception.description)" }
    if ($result.result.PSObject.Properties['value']) { return $result.result.value }
    $null
}

# A real click, as a user's: the element is scrolled into view, then the mouse is pressed and released at its middle.
function Invoke-PageClick {
    param($Browser, [string] $Selector)
    $box = Invoke-PageScript $Browser "(function () { var e = document.querySelector($(ConvertTo-Json $Selector)); e.scrollIntoView({ block: 'center' }); var r = e.getBoundingClientRect(); return { x: r.left + r.width / 2, y: r.top + r.height / 2 }; })()"
    foreach ($type in 'mouseMoved', 'mousePressed', 'mouseReleased') {
        $null = Send-DevTools $Browser 'Input.dispatchMouseEvent' @{ type = $type; x = $box.x; y = $box.y; button = 'left'; clickCount = 1 }
    }
}

# Types text into the focused element, as a keyboard does (input events fire).
function Invoke-PageTyping {
    param($Browser, [string] $Text)
    $null = Send-DevTools $Browser 'Input.insertText' @{ text = $Text }
}

# What went wrong in the page: exceptions, console errors, log entries of level error, CSP violations.
function Get-PageProblems {
    param($Browser)
    foreach ($e in $Browser.Events) {
        switch ($e.method) {
            'Runtime.exceptionThrown' { 'exception: ' + $e.params.exceptionDetails.text }
            'Runtime.consoleAPICalled' { if ($e.params.type -in 'error', 'assert') { 'console.' + $e.params.type + ': ' + ($e.params.args | ForEach-Object { $_.value }) -join ' ' } }
            'Log.entryAdded' { if ($e.params.entry.level -eq 'error') { 'log (' + $e.params.entry.source + '): ' + $e.params.entry.text } }
        }
    }
    foreach ($violation in @(Invoke-PageScript $Browser 'window.__violations')) {
        if ($violation) { 'CSP violation: ' + $violation }
    }
}

# Every URL the page asked for (the page itself included).
function Get-PageRequests {
    param($Browser)
    $Browser.Events | Where-Object { $_.method -eq 'Network.requestWillBeSent' } | ForEach-Object { $_.params.request.url }
}

# The whole page as a PNG.
function Save-PageScreenshot {
    param($Browser, [string] $Path)
    $size = Invoke-PageScript $Browser '({ width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight })'
    $clip = @{ x = 0; y = 0; width = $size.width; height = [Math]::Min($size.height, 16000); scale = 1 }
    $shot = Send-DevTools $Browser 'Page.captureScreenshot' @{ format = 'png'; captureBeyondViewport = $true; clip = $clip }
    [System.IO.File]::WriteAllBytes($Path, [Convert]::FromBase64String($shot.data))
    Get-Item -LiteralPath $Path
}
