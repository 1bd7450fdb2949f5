function ConvertTo-HybridLiteral {
    # A value for a suggested command: a single-quoted literal whose quotes (the typographic ones too) are doubled,
    # so that a name from a connector, a DNS record or a server cannot end the string.
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory = $true)] [AllowEmptyString()] [string] $Value)
    "'" + [System.Management.Automation.Language.CodeGeneration]::EscapeSingleQuotedStringContent($Value) + "'"
}
