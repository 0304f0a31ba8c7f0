{{- define "boxd.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "boxd.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "boxd.selectorLabels" -}}
app.kubernetes.io/name: {{ include "boxd.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "boxd.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "boxd.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* The Secret that holds BOXD_TOKENS: the one named in auth.existingSecret, else the chart's. */}}
{{- define "boxd.tokenSecretName" -}}
{{- if and .Values.auth.existingSecret .Values.auth.tokens -}}
{{- fail "set only one of auth.existingSecret and auth.tokens" -}}
{{- end -}}
{{- .Values.auth.existingSecret | default (printf "%s-tokens" (include "boxd.fullname" .)) -}}
{{- end -}}

{{- define "boxd.tokenSecretKey" -}}
{{- if .Values.auth.existingSecret -}}{{ .Values.auth.existingSecretKey }}{{- else -}}BOXD_TOKENS{{- end -}}
{{- end -}}

{{/*
The tokens of the chart's own Secret: auth.tokens when given; else the ones already in the
cluster (so an upgrade keeps them); else one new random operator token, "admin:<40 random>:operator".
Never a fixed default.
*/}}
{{- define "boxd.tokens" -}}
{{- if .Values.auth.tokens -}}
{{- .Values.auth.tokens -}}
{{- else -}}
{{- $old := lookup "v1" "Secret" .Release.Namespace (include "boxd.tokenSecretName" .) -}}
{{- if and $old $old.data (index $old.data "BOXD_TOKENS") -}}
{{- index $old.data "BOXD_TOKENS" | b64dec -}}
{{- else -}}
{{- printf "admin:%s:operator" (randAlphaNum 40) -}}
{{- end -}}
{{- end -}}
{{- end -}}
