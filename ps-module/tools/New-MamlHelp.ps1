<#
.SYNOPSIS
    Writes the MAML help of the module's compiled cmdlets (en-US/HybridMailFlow.dll-Help.xml) from one data file
    per cmdlet (ps-module/help/<Cmdlet>.psd1) and the cmdlets' own metadata.
.DESCRIPTION
    The data file holds what only a person can write: synopsis, description, one line per parameter, output
    descriptions, examples, notes and links. Everything the code already says (parameter sets, types, positions,
    mandatory, pipeline input, aliases, wildcards, accepted values, output types) is read from the imported
    cmdlet, so the help cannot drift from it. The build fails when a cmdlet has no data file, a data file names no
    cmdlet, or a parameter, output type or field is missing or unknown.

    Data file keys:
        Synopsis     one sentence
        Description  paragraphs (string array)
        Parameters   @{ <Parameter> = 'what it does' } for every parameter of the cmdlet
        Outputs      @{ '<OutputType full name>' = 'what each object is' } for every [OutputType]
        Examples     @( @{ Title = '...'; Code = '...'; Remarks = '...' } ), at least one
        Notes        optional paragraphs
        Links        optional command or about_ topic names
    Runs in a process of its own (build.ps1 starts one), so that the assembly it loads does not stay locked in
    the build's process.
.PARAMETER ModuleRoot
    The assembled module folder (out/HybridMailFlow); the help goes to its en-US folder.
.PARAMETER HelpSource
    The folder of the data files.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)] [string] $ModuleRoot,
    [Parameter(Mandatory = $true)] [string] $HelpSource
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$mamlNamespace = 'http://schemas.microsoft.com/maml/2004/10'
$commandNamespace = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$devNamespace = 'http://schemas.microsoft.com/maml/dev/2004/10'
$allowedKeys = @('Synopsis', 'Description', 'Parameters', 'Outputs', 'Examples', 'Notes', 'Links')

$module = Import-Module (Join-Path $ModuleRoot 'HybridMailFlow.psd1') -PassThru -Force
$cmdlets = @($module.ExportedCmdlets.Values | Sort-Object Name)
$commonParameters = @([System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters)
$problems = New-Object System.Collections.Generic.List[string]

$dataFiles = @{}
foreach ($file in Get-ChildItem -Path $HelpSource -Filter '*.psd1') {
    $dataFiles[$file.BaseName] = $file
}
foreach ($name in $dataFiles.Keys) {
    if (-not ($cmdlets | Where-Object Name -EQ $name)) {
        $problems.Add("$($dataFiles[$name].Name): the module has no cmdlet $name")
    }
}

function Get-FriendlyTypeName {
    param([type] $Type)
    if ($Type.IsArray) {
        return (Get-FriendlyTypeName $Type.GetElementType()) + '[]'
    }
    $underlying = [System.Nullable]::GetUnderlyingType($Type)
    if ($underlying) {
        return Get-FriendlyTypeName $underlying
    }
    $Type.Name
}

function Get-AcceptedValue {
    param([System.Management.Automation.ParameterMetadata] $Parameter)
    $type = $Parameter.ParameterType
    if ($type.IsArray) {
        $type = $type.GetElementType()
    }
    if ($type.IsEnum) {
        return [enum]::GetNames($type)
    }
    foreach ($attribute in $Parameter.Attributes) {
        if ($attribute -is [System.Management.Automation.ValidateSetAttribute]) {
            return $attribute.ValidValues
        }
    }
}

function Get-PipelineInput {
    param([System.Management.Automation.ParameterMetadata] $Parameter)
    $ways = New-Object System.Collections.Generic.List[string]
    foreach ($set in $Parameter.ParameterSets.Values) {
        if ($set.ValueFromPipeline -and -not $ways.Contains('ByValue')) { $ways.Add('ByValue') }
        if ($set.ValueFromPipelineByPropertyName -and -not $ways.Contains('ByPropertyName')) { $ways.Add('ByPropertyName') }
    }
    if ($ways.Count -eq 0) {
        return 'False'
    }
    'True ({0})' -f ($ways -join ', ')
}

function Get-Position {
    param([System.Management.Automation.ParameterSetMetadata] $SetMetadata)
    if ($SetMetadata.Position -ge 0) {
        return [string]$SetMetadata.Position
    }
    'named'
}

function Write-Paragraphs {
    param([System.Xml.XmlWriter] $Writer, [string[]] $Paragraphs)
    $Writer.WriteStartElement('maml', 'description', $mamlNamespace)
    foreach ($paragraph in $Paragraphs) {
        $Writer.WriteElementString('para', $mamlNamespace, $paragraph)
    }
    $Writer.WriteEndElement()
}

function Write-Parameter {
    param(
        [System.Xml.XmlWriter] $Writer,
        [System.Management.Automation.ParameterMetadata] $Parameter,
        [string] $Description,
        [bool] $Required,
        [string] $Position
    )
    $isSwitch = $Parameter.SwitchParameter
    $Writer.WriteStartElement('command', 'parameter', $commandNamespace)
    $Writer.WriteAttributeString('required', $Required.ToString().ToLowerInvariant())
    $Writer.WriteAttributeString('variableLength', $Parameter.ParameterType.IsArray.ToString().ToLowerInvariant())
    $globbing = [bool]($Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
    $Writer.WriteAttributeString('globbing', $globbing.ToString().ToLowerInvariant())
    $Writer.WriteAttributeString('pipelineInput', (Get-PipelineInput $Parameter))
    $Writer.WriteAttributeString('position', $Position)
    $aliases = 'none'
    if ($Parameter.Aliases.Count -gt 0) {
        $aliases = $Parameter.Aliases -join ', '
    }
    $Writer.WriteAttributeString('aliases', $aliases)
    $Writer.WriteElementString('name', $mamlNamespace, $Parameter.Name)
    $paragraphs = @($Description)
    $accepted = @(Get-AcceptedValue $Parameter)
    if ($accepted.Count -gt 0) {
        $paragraphs += 'Accepted values: ' + ($accepted -join ', ')
    }
    Write-Paragraphs -Writer $Writer -Paragraphs $paragraphs
    if (-not $isSwitch) {
        $Writer.WriteStartElement('command', 'parameterValue', $commandNamespace)
        $Writer.WriteAttributeString('required', 'true')
        $Writer.WriteAttributeString('variableLength', $Parameter.ParameterType.IsArray.ToString().ToLowerInvariant())
        $Writer.WriteString((Get-FriendlyTypeName $Parameter.ParameterType))
        $Writer.WriteEndElement()
    }
    $Writer.WriteStartElement('dev', 'type', $devNamespace)
    $Writer.WriteElementString('name', $mamlNamespace, $Parameter.ParameterType.FullName)
    $Writer.WriteEndElement()
    $Writer.WriteEndElement()
}

$settings = New-Object System.Xml.XmlWriterSettings
$settings.Indent = $true
$settings.Encoding = New-Object System.Text.UTF8Encoding($true)
$helpFolder = Join-Path $ModuleRoot 'en-US'
$null = New-Item -ItemType Directory -Path $helpFolder -Force
$helpFile = Join-Path $helpFolder 'HybridMailFlow.dll-Help.xml'
$writer = [System.Xml.XmlWriter]::Create($helpFile, $settings)
try {
    $writer.WriteStartDocument()
    $writer.WriteStartElement('helpItems', 'http://msh')
    $writer.WriteAttributeString('schema', 'maml')
    $writer.WriteAttributeString('xmlns', 'maml', $null, $mamlNamespace)
    $writer.WriteAttributeString('xmlns', 'command', $null, $commandNamespace)
    $writer.WriteAttributeString('xmlns', 'dev', $null, $devNamespace)

    foreach ($cmdlet in $cmdlets) {
        $file = $dataFiles[$cmdlet.Name]
        if (-not $file) {
            $problems.Add("$($cmdlet.Name) has no help: add $(Join-Path $HelpSource "$($cmdlet.Name).psd1")")
            continue
        }
        $data = Import-PowerShellDataFile -Path $file.FullName
        $problemsBefore = $problems.Count
        foreach ($key in $data.Keys) {
            if ($allowedKeys -notcontains $key) { $problems.Add("$($file.Name): unknown key $key (known: $($allowedKeys -join ', '))") }
        }
        foreach ($key in 'Synopsis', 'Description', 'Parameters', 'Examples') {
            if (-not $data.ContainsKey($key)) { $problems.Add("$($file.Name): $key is missing") }
        }
        if ($problems.Count -gt $problemsBefore) {
            continue
        }
        $parameters = @($cmdlet.Parameters.Values | Where-Object { $commonParameters -notcontains $_.Name })
        foreach ($parameter in $parameters) {
            if (-not $data.Parameters.ContainsKey($parameter.Name)) { $problems.Add("$($file.Name): parameter $($parameter.Name) is not described") }
        }
        foreach ($name in $data.Parameters.Keys) {
            if (-not ($parameters | Where-Object Name -EQ $name)) { $problems.Add("$($file.Name): $($cmdlet.Name) has no parameter $name") }
        }
        $outputTypes = @($cmdlet.OutputType | ForEach-Object { $_.Name })
        $outputs = @{}
        if ($data.ContainsKey('Outputs')) { $outputs = $data.Outputs }
        foreach ($type in $outputTypes) {
            if (-not $outputs.ContainsKey($type)) { $problems.Add("$($file.Name): output type $type is not described") }
        }
        foreach ($type in $outputs.Keys) {
            if ($outputTypes -notcontains $type) { $problems.Add("$($file.Name): $($cmdlet.Name) declares no output type $type") }
        }
        foreach ($example in $data.Examples) {
            foreach ($key in 'Title', 'Code', 'Remarks') {
                if (-not $example.ContainsKey($key)) { $problems.Add("$($file.Name): an example has no $key") }
            }
        }
        if (@($data.Examples).Count -eq 0) { $problems.Add("$($file.Name): at least one example is needed") }
        if ($problems.Count -gt $problemsBefore) {
            continue
        }

        $writer.WriteStartElement('command', 'command', $commandNamespace)
        $writer.WriteStartElement('command', 'details', $commandNamespace)
        $writer.WriteElementString('name', $commandNamespace, $cmdlet.Name)
        Write-Paragraphs -Writer $writer -Paragraphs @($data.Synopsis)
        $writer.WriteElementString('verb', $commandNamespace, $cmdlet.Verb)
        $writer.WriteElementString('noun', $commandNamespace, $cmdlet.Noun)
        $writer.WriteEndElement()

        Write-Paragraphs -Writer $writer -Paragraphs @($data.Description)

        $writer.WriteStartElement('command', 'syntax', $commandNamespace)
        foreach ($set in $cmdlet.ParameterSets) {
            $writer.WriteStartElement('command', 'syntaxItem', $commandNamespace)
            $writer.WriteElementString('name', $mamlNamespace, $cmdlet.Name)
            $inSet = @($parameters | Where-Object { $_.ParameterSets.ContainsKey($set.Name) -or $_.ParameterSets.ContainsKey('__AllParameterSets') })
            # Positional parameters first, in position order, as PowerShell prints syntax.
            $ordered = $inSet | Sort-Object @{ Expression = {
                    $meta = $_.ParameterSets[$set.Name]; if (-not $meta) { $meta = $_.ParameterSets['__AllParameterSets'] }
                    if ($meta.Position -ge 0) { $meta.Position } else { [int]::MaxValue } } }, Name
            foreach ($parameter in $ordered) {
                $meta = $parameter.ParameterSets[$set.Name]
                if (-not $meta) { $meta = $parameter.ParameterSets['__AllParameterSets'] }
                Write-Parameter -Writer $writer -Parameter $parameter -Description $data.Parameters[$parameter.Name] -Required $meta.IsMandatory -Position (Get-Position $meta)
            }
            $writer.WriteEndElement()
        }
        $writer.WriteEndElement()

        $writer.WriteStartElement('command', 'parameters', $commandNamespace)
        foreach ($parameter in ($parameters | Sort-Object Name)) {
            $sets = @($parameter.ParameterSets.Values)
            $required = @($sets | Where-Object { -not $_.IsMandatory }).Count -eq 0
            $positions = @($sets | ForEach-Object { Get-Position $_ } | Select-Object -Unique)
            Write-Parameter -Writer $writer -Parameter $parameter -Description $data.Parameters[$parameter.Name] -Required $required -Position ($positions -join ', ')
        }
        $writer.WriteEndElement()

        $writer.WriteStartElement('command', 'inputTypes', $commandNamespace)
        foreach ($parameter in ($parameters | Where-Object { (Get-PipelineInput $_) -ne 'False' })) {
            $writer.WriteStartElement('command', 'inputType', $commandNamespace)
            $writer.WriteStartElement('dev', 'type', $devNamespace)
            $writer.WriteElementString('name', $mamlNamespace, $parameter.ParameterType.FullName)
            $writer.WriteEndElement()
            Write-Paragraphs -Writer $writer -Paragraphs @("-$($parameter.Name), $((Get-PipelineInput $parameter) -replace '^True ', ''): $($data.Parameters[$parameter.Name])")
            $writer.WriteEndElement()
        }
        $writer.WriteEndElement()

        $writer.WriteStartElement('command', 'returnValues', $commandNamespace)
        foreach ($type in $outputTypes) {
            $writer.WriteStartElement('command', 'returnValue', $commandNamespace)
            $writer.WriteStartElement('dev', 'type', $devNamespace)
            $writer.WriteElementString('name', $mamlNamespace, $type)
            $writer.WriteEndElement()
            Write-Paragraphs -Writer $writer -Paragraphs @($outputs[$type])
            $writer.WriteEndElement()
        }
        $writer.WriteEndElement()

        if ($data.ContainsKey('Notes')) {
            $writer.WriteStartElement('maml', 'alertSet', $mamlNamespace)
            $writer.WriteStartElement('maml', 'alert', $mamlNamespace)
            foreach ($paragraph in @($data.Notes)) {
                $writer.WriteElementString('para', $mamlNamespace, $paragraph)
            }
            $writer.WriteEndElement()
            $writer.WriteEndElement()
        }

        $writer.WriteStartElement('command', 'examples', $commandNamespace)
        $number = 0
        foreach ($example in $data.Examples) {
            $number++
            $writer.WriteStartElement('command', 'example', $commandNamespace)
            $writer.WriteElementString('title', $mamlNamespace, "-------------------------- Example $($number): $($example.Title) --------------------------")
            $writer.WriteElementString('code', $devNamespace, $example.Code)
            $writer.WriteStartElement('dev', 'remarks', $devNamespace)
            foreach ($paragraph in @($example.Remarks)) {
                $writer.WriteElementString('para', $mamlNamespace, $paragraph)
            }
            $writer.WriteEndElement()
            $writer.WriteEndElement()
        }
        $writer.WriteEndElement()

        $writer.WriteStartElement('command', 'relatedLinks', $commandNamespace)
        if ($data.ContainsKey('Links')) {
            foreach ($link in @($data.Links)) {
                $writer.WriteStartElement('maml', 'navigationLink', $mamlNamespace)
                $writer.WriteElementString('linkText', $mamlNamespace, $link)
                $writer.WriteEndElement()
            }
        }
        $writer.WriteEndElement()

        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()
    $writer.WriteEndDocument()
} finally {
    $writer.Dispose()
}

if ($problems.Count -gt 0) {
    Remove-Item -LiteralPath $helpFile
    throw ("The cmdlet help is incomplete:`n  " + ($problems -join "`n  "))
}
Write-Host "Help of $($cmdlets.Count) cmdlet(s) written to $helpFile"
