# A CSV for a ticket is opened in a spreadsheet, and the values in it were written by remote parties: no cell may
# run as a formula there, and every cell must still read as what the log said.

BeforeAll {
    $modulePath = $env:HMF_MODULE_PATH
    if (-not $modulePath) { $modulePath = Join-Path $PSScriptRoot '../../out/HybridMailFlow/HybridMailFlow.psd1' }
    Import-Module $modulePath -Force
    $script:samples = (Resolve-Path (Join-Path $PSScriptRoot '../../samples')).Path
}

Describe 'Export-HybridCsv' {
    It 'writes a cell beginning with <Start> as text, readable as it was' -ForEach @(
        @{ Start = '='; Value = '=HYPERLINK("http://cloudmonkeys.xyz/x","click")' }
        @{ Start = '+'; Value = '+1+cmd|'' /C calc''!A0' }
        @{ Start = '-'; Value = '-2+3+cmd|'' /C calc''!A0' }
        @{ Start = '@'; Value = '@SUM(1+1)*cmd|'' /C calc''!A0' }
        @{ Start = 'a tab'; Value = "`t=1+1" }
        @{ Start = 'a carriage return'; Value = "`r=1+1" }
        @{ Start = 'a full-width equals sign'; Value = "$([char]0xFF1D)1+1" }
    ) {
        $file = Join-Path $TestDrive 'cell.csv'
        [pscustomobject]@{ Helo = $Value; Plain = 'mail.cloudmonkeys.xyz' } | Export-HybridCsv -Path $file
        $row = Import-Csv -LiteralPath $file
        $row.Helo | Should -BeExactly ("'" + $Value)
        $row.Plain | Should -BeExactly 'mail.cloudmonkeys.xyz'
    }

    It 'leaves other text, numbers and dates as Export-Csv writes them, and joins lists with "; "' {
        $file = Join-Path $TestDrive 'plain.csv'
        $reference = Join-Path $TestDrive 'reference.csv'
        $item = [pscustomobject]@{ Text = 'a=b, c'; Count = -5; When = [datetime]'2026-05-01 06:00:00'; List = [string[]]('-x', 'y') }
        $item | Export-HybridCsv -Path $file
        $item | Select-Object Text, Count, When | Export-Csv -LiteralPath $reference -NoTypeInformation
        $ours = Import-Csv -LiteralPath $file
        $theirs = Import-Csv -LiteralPath $reference
        $ours.Text | Should -BeExactly $theirs.Text
        $ours.Count | Should -BeExactly $theirs.Count
        $ours.When | Should -BeExactly $theirs.When
        $ours.List | Should -BeExactly "'-x; y"
    }

    It 'writes UTF-8 with a byte order mark, so that a spreadsheet reads names in any script' {
        $file = Join-Path $TestDrive 'utf8.csv'
        [pscustomobject]@{ Helo = 'почта.cloudmonkeys.xyz' } | Export-HybridCsv -Path $file
        $bytes = [System.IO.File]::ReadAllBytes($file)
        '{0:X2}{1:X2}{2:X2}' -f $bytes[0], $bytes[1], $bytes[2] | Should -Be 'EFBBBF'
        (Import-Csv -LiteralPath $file).Helo | Should -BeExactly 'почта.cloudmonkeys.xyz'
    }

    It 'exports sessions whose EHLO, MAIL FROM and recipients a remote client wrote as formulas' {
        $folder = Join-Path $TestDrive 'hostile'
        $null = New-Item -ItemType Directory -Path $folder
        $source = Join-Path $script:samples 'CMHYBD01/FrontEnd/ProtocolLog/SmtpReceive/RECV2026050105-1.LOG'
        $text = [System.IO.File]::ReadAllText($source)
        $text = $text.Replace('EHLO PNYPR01CU001.outbound.protection.outlook.com', 'EHLO =cmd|/C calc!A0')
        [System.IO.File]::WriteAllText((Join-Path $folder 'RECV2026050105-1.LOG'), $text)
        $sessions = @(Get-HybridSmtpSession -LiteralPath $folder)
        $hostile = @($sessions | Where-Object Helo -eq '=cmd|/C calc!A0')
        $hostile.Count | Should -BeGreaterThan 0

        $file = Join-Path $TestDrive 'sessions.csv'
        $sessions | Export-HybridCsv -Path $file
        $rows = @(Import-Csv -LiteralPath $file)
        $rows.Count | Should -Be $sessions.Count
        @($rows | Where-Object Helo -eq "'=cmd|/C calc!A0").Count | Should -Be $hostile.Count
        foreach ($row in $rows) {
            foreach ($property in $row.PSObject.Properties) {
                if ($property.Value.Length -gt 0) { '=', '+', '@' | Should -Not -Contain ([string]$property.Value[0]) -Because "$($property.Name) = $($property.Value)" }
            }
        }
    }
}
