# The engine first used on threads PowerShell starts: thread jobs, runspaces a host opens with the module in its
# InitialSessionState, ForEach-Object -Parallel. Each shape runs in a new PowerShell process of its own: the engine is
# loaded fresh there, and a crash ends that process, not Pester's. Issue 19: mimalloc 3.3 crashed in a thread's first
# allocation (exit code 139); three thread jobs crashed about one process in two on this machine, ten every time, so
# each shape starts ten threads one after the other, or 24 items on 8 threads in six processes.

BeforeDiscovery {
    # ForEach-Object -Parallel and Start-ThreadJob come with PowerShell 7.
    $script:isCore = $PSVersionTable.PSEdition -eq 'Core'
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'ChildProcess.ps1')
    $modulePath = $env:HMF_MODULE_PATH
    if (-not $modulePath) { $modulePath = Join-Path $PSScriptRoot '../../out/HybridMailFlow/HybridMailFlow.psd1' }
    Import-Module $modulePath -Force
    # The paths as PowerShell string literals, for the children's scripts.
    $script:manifestLiteral = "'{0}'" -f (Resolve-Path $modulePath).Path.Replace("'", "''")
    $samples = (Resolve-Path (Join-Path $PSScriptRoot '../../samples')).Path
    # What a thread does, and so what it prints: $work, the knowledge base and a read of the samples (which starts
    # the engine's own reading threads from that thread); $resolve, the knowledge base alone, as quick as a thread can
    # be: many threads starting at once is how the crash showed on 8 threads.
    $script:rule = (Resolve-HybridSmtpError '550 5.7.1 Unable to relay' | Select-Object -First 1).RuleId
    $script:ruleAndCount = '{0} {1}' -f $script:rule, @(Get-HybridSmtpSession -Path $samples).Count
    $script:work = @"
`$ErrorActionPreference = 'Stop'
`$resolve = {
    Import-Module $($script:manifestLiteral)
    (Resolve-HybridSmtpError '550 5.7.1 Unable to relay' | Select-Object -First 1).RuleId
}
`$work = {
    Import-Module $($script:manifestLiteral)
    `$rule = (Resolve-HybridSmtpError '550 5.7.1 Unable to relay' | Select-Object -First 1).RuleId
    `$count = @(Get-HybridSmtpSession -Path '$($samples.Replace("'", "''"))').Count
    '{0} {1}' -f `$rule, `$count
}

"@

    # Runs $Shape (PowerShell 7 syntax is fine: it is text here, run by the child) after the definitions above.
    function Invoke-Shape {
        param([string] $Shape)
        Invoke-ChildPowerShell -Script ($script:work + $Shape)
    }

    function Assert-EveryThreadAnswered {
        param($Run, [string] $Answer, [int] $Threads)
        $Run.ExitCode | Should -Be 0 -Because "the process must survive (stderr: $($Run.Error))"
        $Run.Output | Should -Be (@($Answer) * $Threads)
        $Run.Error | Should -BeNullOrEmpty
    }
}

Describe 'The engine on threads PowerShell starts' {
    It 'answers in ten thread jobs started one after the other' -Skip:(-not $isCore) {
        $run = Invoke-Shape 'foreach ($i in 1..10) { Start-ThreadJob -ScriptBlock $work | Receive-Job -Wait -AutoRemoveJob }'
        Assert-EveryThreadAnswered $run -Answer $script:ruleAndCount -Threads 10
    }

    It 'answers in new runspaces that import the module through their InitialSessionState' {
        $run = Invoke-Shape (@'
$state = [System.Management.Automation.Runspaces.InitialSessionState]::CreateDefault2()
$state.ImportPSModule([string[]] @(MANIFEST))
foreach ($i in 1..10) {
    $runspace = [System.Management.Automation.Runspaces.RunspaceFactory]::CreateRunspace($state)
    $runspace.Open()
    $shell = [System.Management.Automation.PowerShell]::Create()
    $shell.Runspace = $runspace
    $shell.AddScript($work.ToString()).Invoke()
    if ($shell.HadErrors) { throw $shell.Streams.Error[0] }
    $shell.Dispose()
    $runspace.Dispose()
}
'@).Replace('MANIFEST', $script:manifestLiteral)
        Assert-EveryThreadAnswered $run -Answer $script:ruleAndCount -Threads 10
    }

    It 'answers in ForEach-Object -Parallel with a new runspace per item, one at a time' -Skip:(-not $isCore) {
        $run = Invoke-Shape '1..10 | ForEach-Object -Parallel $work -UseNewRunspace -ThrottleLimit 1'
        Assert-EveryThreadAnswered $run -Answer $script:ruleAndCount -Threads 10
    }

    It 'answers 24 items of ForEach-Object -Parallel on 8 threads, in each of 6 new processes' -Skip:(-not $isCore) {
        # The crash came in about one process of two: six make missing it unlikely (1 in 64).
        foreach ($attempt in 1..6) {
            $run = Invoke-Shape '1..24 | ForEach-Object -Parallel $resolve -ThrottleLimit 8'
            Assert-EveryThreadAnswered $run -Answer $script:rule -Threads 24
        }
    }
}
