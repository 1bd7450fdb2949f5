# Starts a script in a new PowerShell process, this PowerShell's own launcher (from $PSHOME: the process path is dotnet
# itself when PowerShell runs as a .NET global tool), and returns its exit code, standard output and standard error
# apart: a test of a crash needs the exit code of a process of its own, and a test of what reaches stderr needs
# stderr alone. Dot-sourced by the test files that start children; portable to Windows (no shell, no Linux paths).
function Invoke-ChildPowerShell {
    param(
        [Parameter(Mandatory = $true)] [string] $Script,
        [hashtable] $Environment = @{},
        [int] $TimeoutSeconds = 180
    )
    $shell = @('pwsh.exe', 'pwsh', 'powershell.exe') | ForEach-Object { Join-Path $PSHOME $_ } |
        Where-Object { Test-Path -LiteralPath $_ -PathType Leaf } | Select-Object -First 1
    $file = Join-Path ([System.IO.Path]::GetTempPath()) ('hmf-child-{0}.ps1' -f [guid]::NewGuid())
    [System.IO.File]::WriteAllText($file, $Script, (New-Object System.Text.UTF8Encoding($true)))
    try {
        $start = New-Object System.Diagnostics.ProcessStartInfo
        $start.FileName = $shell
        $start.Arguments = '-NoProfile -NonInteractive -ExecutionPolicy Bypass -File "{0}"' -f $file
        $start.UseShellExecute = $false
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $start.WorkingDirectory = [System.IO.Path]::GetTempPath()
        foreach ($name in $Environment.Keys) { $start.EnvironmentVariables[$name] = $Environment[$name] }
        $process = [System.Diagnostics.Process]::Start($start)
        $errorText = $process.StandardError.ReadToEndAsync()
        $outputText = $process.StandardOutput.ReadToEndAsync()
        if (-not $process.WaitForExit($TimeoutSeconds * 1000)) {
            $process.Kill()
            throw "The child PowerShell did not end within $TimeoutSeconds s: $Script"
        }
        $process.WaitForExit()
        [pscustomobject]@{
            ExitCode = $process.ExitCode
            Output   = @($outputText.Result -split '\r?\n' | Where-Object { $_ })
            Error    = $errorText.Result
        }
    } finally {
        Remove-Item -LiteralPath $file -ErrorAction SilentlyContinue
    }
}
