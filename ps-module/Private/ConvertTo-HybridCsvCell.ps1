# A value as Export-HybridCsv writes it: lists joined with "; ", and text that a spreadsheet would run as a formula
# (beginning with =, +, -, @, a tab or a carriage return, or their full-width forms) given a leading single quote,
# which spreadsheets show as the text itself. Other values pass as they are, for Export-Csv to write.
function ConvertTo-HybridCsvCell {
    param($Value)
    if ($null -eq $Value) { return $null }
    if ($Value -is [string]) {
        $text = $Value
    } elseif ($Value -is [System.Collections.IEnumerable] -and $Value -isnot [System.Collections.IDictionary]) {
        $text = (@($Value) | ForEach-Object { if ($null -eq $_) { '' } else { $_.ToString() } }) -join '; '
    } else {
        return $Value
    }
    $formulaStarts = [char[]]@('=', '+', '-', '@', "`t", "`r", 0xFF1D, 0xFF0B, 0xFF0D, 0xFF20)
    if ($text.Length -gt 0 -and $formulaStarts -contains $text[0]) {
        return "'" + $text
    }
    $text
}
