# Rules every PowerShell file of the repository keeps, so that the module and its build run in Windows
# PowerShell 5.1 as well as PowerShell 7.

BeforeDiscovery {
    $repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    # Build output and the Rust target folder hold no sources of ours.
    $skipped = @('.git', 'target', 'out', 'bench-data')
    $scriptFiles = @(Get-ChildItem -LiteralPath $repoRoot -Directory |
            Where-Object { $skipped -notcontains $_.Name } |
            Get-ChildItem -Recurse -File -Include '*.ps1', '*.psm1', '*.psd1') +
        @(Get-ChildItem -LiteralPath $repoRoot -File | Where-Object { '.ps1', '.psm1', '.psd1' -contains $_.Extension })
    $script:files = @($scriptFiles | ForEach-Object {
            @{ Name = $_.FullName.Substring($repoRoot.Length + 1); Path = $_.FullName }
        })
}

BeforeAll {
    # Every construct of PowerShell 6 and 7 that Windows PowerShell 5.1 cannot parse or run, found in the syntax
    # tree; a parse error counts too (it is what 5.1 reports for all of them). Type names are compared as text
    # because the 7-only AST types do not exist in 5.1.
    function Get-Ps7OnlySyntax {
        param([System.Management.Automation.Language.Ast] $Ast, [object[]] $ParseErrors)
        foreach ($parseError in $ParseErrors) {
            [pscustomobject]@{ Kind = 'ParseError'; Line = $parseError.Extent.StartLineNumber; Text = $parseError.Message }
        }
        $found = $Ast.FindAll({ $true }, $true)
        foreach ($node in $found) {
            $kind = $null
            switch ($node.GetType().Name) {
                'TernaryExpressionAst' { $kind = 'Ternary' }
                'PipelineChainAst' { $kind = 'PipelineChain' }
                'BinaryExpressionAst' { if ($node.Operator.ToString() -eq 'QuestionQuestion') { $kind = 'NullCoalescing' } }
                'AssignmentStatementAst' { if ($node.Operator.ToString() -eq 'QuestionQuestionEquals') { $kind = 'NullCoalescingAssignment' } }
                { $_ -in 'MemberExpressionAst', 'InvokeMemberExpressionAst', 'IndexExpressionAst' } {
                    if ($node.PSObject.Properties['NullConditional'] -and $node.NullConditional) { $kind = 'NullConditional' }
                }
                'ScriptBlockAst' {
                    if ($node.PSObject.Properties['CleanBlock'] -and $null -ne $node.CleanBlock) { $kind = 'CleanBlock' }
                }
                'CommandAst' {
                    if ($node.GetCommandName() -in 'ForEach-Object', 'foreach', '%') {
                        foreach ($parameter in $node.CommandElements) {
                            # Parameter names may be shortened to any unambiguous prefix: -Pa is -Parallel.
                            if ($parameter -is [System.Management.Automation.Language.CommandParameterAst] -and
                                $parameter.ParameterName.Length -ge 2 -and
                                'Parallel'.StartsWith($parameter.ParameterName, [System.StringComparison]::OrdinalIgnoreCase)) {
                                $kind = 'ForEachParallel'
                            }
                        }
                    }
                }
            }
            if ($kind) {
                [pscustomobject]@{ Kind = $kind; Line = $node.Extent.StartLineNumber; Text = $node.Extent.Text }
            }
        }
    }

    function Get-Ps7OnlySyntaxOfText {
        param([string] $Text)
        $tokens = $null
        $parseErrors = $null
        $ast = [System.Management.Automation.Language.Parser]::ParseInput($Text, [ref] $tokens, [ref] $parseErrors)
        Get-Ps7OnlySyntax -Ast $ast -ParseErrors $parseErrors
    }
}

Describe 'Every PowerShell file' {
    It '<Name> is UTF-8 with a byte order mark (Windows PowerShell 5.1 reads files without one as ANSI)' -ForEach $files {
        $bytes = [System.IO.File]::ReadAllBytes($Path)
        $bytes.Length | Should -BeGreaterThan 3
        ('{0:X2}{1:X2}{2:X2}' -f $bytes[0], $bytes[1], $bytes[2]) | Should -Be 'EFBBBF'
    }

    It '<Name> parses in Windows PowerShell 5.1: no PowerShell 7 syntax' -ForEach $files {
        $tokens = $null
        $parseErrors = $null
        $ast = [System.Management.Automation.Language.Parser]::ParseFile($Path, [ref] $tokens, [ref] $parseErrors)
        $problems = @(Get-Ps7OnlySyntax -Ast $ast -ParseErrors $parseErrors | ForEach-Object { '{0} at line {1}: {2}' -f $_.Kind, $_.Line, $_.Text })
        $problems | Should -BeNullOrEmpty
    }
}

Describe 'The Windows PowerShell 5.1 syntax rule' {
    # In PowerShell 7 each form is found in the syntax tree; Windows PowerShell 5.1 cannot even parse them.
    It 'catches <Kind>: <Sample>' -ForEach @(
        @{ Kind = 'Ternary'; Sample = '$a = $b ? 1 : 2' }
        @{ Kind = 'NullCoalescing'; Sample = '$a = $b ?? "default"' }
        @{ Kind = 'NullCoalescingAssignment'; Sample = '$a ??= 5' }
        @{ Kind = 'NullConditional'; Sample = '${a}?.Length' }
        @{ Kind = 'NullConditional'; Sample = '${a}?.Trim()' }
        @{ Kind = 'NullConditional'; Sample = '${a}?[0]' }
        @{ Kind = 'PipelineChain'; Sample = 'Get-Item . && Write-Output ok' }
        @{ Kind = 'PipelineChain'; Sample = 'Get-Item . || Write-Output failed' }
        @{ Kind = 'ForEachParallel'; Sample = '1..3 | ForEach-Object -Parallel { $_ }' }
        @{ Kind = 'ForEachParallel'; Sample = '1..3 | % -Pa { $_ } -ThrottleLimit 2' }
        @{ Kind = 'ForEachParallel'; Sample = '1..3 | foreach -parallel { $_ }' }
        @{ Kind = 'CleanBlock'; Sample = 'function Test-Clean { process { $_ } clean { Remove-Item $env:TEMP\x } }' }
    ) {
        $kinds = @((Get-Ps7OnlySyntaxOfText $Sample).Kind)
        if ($PSVersionTable.PSEdition -eq 'Desktop') {
            # 5.1 parses ForEach-Object -Parallel (it fails when run) and refuses the rest outright.
            ($kinds -contains $Kind -or $kinds -contains 'ParseError') | Should -BeTrue
        } else {
            $kinds | Should -Contain $Kind
        }
    }

    It 'accepts what Windows PowerShell 5.1 runs' {
        $sample = @'
function Get-Thing {
    [CmdletBinding()]
    param([string] $Name)
    begin { $items = @() }
    process { if ($null -eq $Name) { $items += 'none' } else { $items += $Name.Trim() } }
    end { $items | ForEach-Object -Process { $_ } | ForEach-Object { $_.Length } ; $items[0] }
}
'@
        Get-Ps7OnlySyntaxOfText $sample | Should -BeNullOrEmpty
    }
}
