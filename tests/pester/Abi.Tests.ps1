# The enums of the C ABI (include/hybridmailflow.h, generated from the #[repr(u32)] enums of src/ffi and checked
# against the code by tests/header.rs) and their one C# mirror each ([AbiEnum] in ps-module/src/Native/AbiEnums.cs):
# every member on both sides, with the same value. A value the engine added or renumbered would otherwise be read
# as another (an item kind taken for a session, a filter applied as another filter).

BeforeAll {
    $modulePath = $env:HMF_MODULE_PATH
    if (-not $modulePath) { $modulePath = Join-Path $PSScriptRoot '../../out/HybridMailFlow/HybridMailFlow.psd1' }
    Import-Module $modulePath -Force

    # name -> ordered dictionary of member -> value, for every enum of the header.
    function Get-HeaderEnum {
        $text = [System.IO.File]::ReadAllText((Join-Path $PSScriptRoot '../../include/hybridmailflow.h'))
        $enums = @{}
        # `enum hmf_x [#if ... : uint32_t #endif] { ... };` (repr(u32) enums) and `typedef enum { ... } hmf_x;`.
        $shapes = @(
            '(?s)\benum (?<name>hmf_\w+)\s*(?:#if[^\n]*\n[^\n]*\n#endif[^\n]*\n)?\s*\{(?<body>[^}]*)\};'
            '(?s)typedef enum \{(?<body>[^}]*)\} (?<name>hmf_\w+);'
        )
        foreach ($shape in $shapes) {
            foreach ($match in [regex]::Matches($text, $shape)) {
                $members = [ordered]@{}
                foreach ($member in [regex]::Matches($match.Groups['body'].Value, '(?m)^\s*(HMF_\w+) = (\d+),')) {
                    $members[$member.Groups[1].Value] = [uint32]$member.Groups[2].Value
                }
                $enums[$match.Groups['name'].Value] = $members
            }
        }
        $enums
    }

    # The C# enums marked [AbiEnum], with their members under the header's names (HMF_ITEM_ + FileStarted).
    function Get-MirrorEnum {
        $assembly = [HybridMailFlow.Native.CertificateNameMatch].Assembly
        foreach ($type in $assembly.GetTypes()) {
            if (-not $type.IsEnum) { continue }
            $mark = $type.GetCustomAttributes($false) | Where-Object { $_.GetType().Name -eq 'AbiEnumAttribute' }
            if (-not $mark) { continue }
            $members = [ordered]@{}
            foreach ($name in [System.Enum]::GetNames($type)) {
                $cName = $mark.MemberPrefix + ([regex]::Replace($name, '(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])', '_')).ToUpperInvariant()
                $members[$cName] = [uint32][System.Convert]::ToUInt64([System.Enum]::Parse($type, $name))
            }
            [pscustomobject]@{ Type = $type.FullName; CName = $mark.CName; Members = $members }
        }
    }
}

Describe 'The C ABI enums and their C# mirrors' {
    BeforeAll {
        $script:header = Get-HeaderEnum
        $script:mirrors = @(Get-MirrorEnum)
    }

    It 'finds the enums of the header and the mirrors of the module (the premise)' {
        $script:header.Keys | Should -Contain 'hmf_item_kind'
        $script:header['hmf_item_kind']['HMF_ITEM_FILE_RESTARTED'] | Should -Be 7
        $script:mirrors.CName | Should -Contain 'hmf_item_kind'
    }

    It 'mirrors every enum of the header the module passes or reads, under one C# type each' {
        $used = 'hmf_item_kind', 'hmf_batch_state', 'hmf_read_mode', 'hmf_protocol_filter', 'hmf_direction',
            'hmf_tracking_filter', 'hmf_timeline_value', 'hmf_cert_match_kind', 'hmf_cert_name_source',
            'hmf_outcome', 'hmf_role', 'hmf_tls_mode', 'hmf_auth_result', 'hmf_address_class', 'hmf_queue_kind', 'hmf_severity',
            'hmf_log_kind', 'hmf_timeline_location', 'hmf_hop_component', 'hmf_hop_source', 'hmf_join_key', 'hmf_flag_kind',
            'hmf_evidence_kind', 'hmf_trace_format', 'hmf_trace_issue_kind'
        foreach ($name in $used) {
            $script:header.Keys | Should -Contain $name
            @($script:mirrors | Where-Object CName -eq $name).Count | Should -Be 1 -Because "$name has one C# mirror"
        }
    }

    It 'gives every member of each mirror the header''s value, and has every member of the header' {
        foreach ($mirror in $script:mirrors) {
            $script:header.Keys | Should -Contain $mirror.CName -Because "$($mirror.Type) mirrors an enum of the header"
            $inHeader = $script:header[$mirror.CName]
            foreach ($name in $mirror.Members.Keys) {
                $inHeader.Keys | Should -Contain $name -Because "$($mirror.Type) names $name"
                $mirror.Members[$name] | Should -Be $inHeader[$name] -Because "$name is $($inHeader[$name]) in the header"
            }
            foreach ($name in $inHeader.Keys) {
                $mirror.Members.Keys | Should -Contain $name -Because "$($mirror.Type) lacks $name of $($mirror.CName)"
            }
        }
    }
}

Describe 'The outcomes of a session, one list' {
    It 'has the report place every outcome -Outcome takes (the engine''s, tests/outcome_names.rs)' {
        $assembly = [HybridMailFlow.Commands.SmtpOutcome].Assembly
        $model = $assembly.GetType('HybridMailFlow.Report.ReportModel', $true)
        $reportOrder = @($model.GetField('SessionOutcomes', [System.Reflection.BindingFlags]'Static, Public, NonPublic').GetValue($null))
        foreach ($outcome in [System.Enum]::GetNames([HybridMailFlow.Commands.SmtpOutcome])) {
            $reportOrder | Should -Contain $outcome
        }
        @($reportOrder | Where-Object { $_ -ne 'Other' }).Count | Should -Be ([System.Enum]::GetNames([HybridMailFlow.Commands.SmtpOutcome]).Count)
    }
}
