{{/* Names, labels and the values several templates share. */}}

{{- define "portcullis.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The release's base name: "portcullis" for a release called portcullis, as in the generated manifests. */}}
{{- define "portcullis.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "portcullis.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Standard labels; call with (dict "ctx" $ "component" "portcullis"). */}}
{{- define "portcullis.labels" -}}
helm.sh/chart: {{ include "portcullis.chart" .ctx }}
{{ include "portcullis.selectorLabels" . }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
app.kubernetes.io/part-of: portcullis
{{- with .ctx.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Selector labels: stable across upgrades (no version). */}}
{{- define "portcullis.selectorLabels" -}}
app.kubernetes.io/name: {{ include "portcullis.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "portcullis.registryName" -}}{{ include "portcullis.fullname" . }}-registry{{- end }}
{{- define "portcullis.mariadbName" -}}{{ include "portcullis.fullname" . }}-mariadb{{- end }}
{{- define "portcullis.redisName" -}}{{ include "portcullis.fullname" . }}-registry-redis{{- end }}
{{- define "portcullis.managementName" -}}{{ include "portcullis.fullname" . }}-management{{- end }}

{{/* Secret holding events-token, admin-password, tokens-hash-key, session-key and registry-http-secret. */}}
{{- define "portcullis.secretName" -}}
{{- default (printf "%s-secrets" (include "portcullis.fullname" .)) .Values.portcullis.existingSecret }}
{{- end }}

{{/* kubernetes.io/tls Secret with the token signing key (tls.key) and its certificate (tls.crt). */}}
{{- define "portcullis.signingSecretName" -}}
{{- default (printf "%s-token-signing" (include "portcullis.fullname" .)) .Values.portcullis.signing.existingSecret }}
{{- end }}

{{/* Secret with the database username and password (and root-password for the bundled MariaDB). */}}
{{- define "portcullis.databaseSecretName" -}}
{{- if .Values.mariadb.enabled }}
{{- default (printf "%s-database" (include "portcullis.fullname" .)) .Values.mariadb.existingSecret }}
{{- else }}
{{- default (printf "%s-database" (include "portcullis.fullname" .)) .Values.externalDatabase.existingSecret }}
{{- end }}
{{- end }}

{{- define "portcullis.databaseUsernameKey" -}}
{{- if and (not .Values.mariadb.enabled) .Values.externalDatabase.existingSecret }}{{ .Values.externalDatabase.existingSecretUsernameKey }}{{ else }}username{{ end }}
{{- end }}

{{- define "portcullis.databasePasswordKey" -}}
{{- if and (not .Values.mariadb.enabled) .Values.externalDatabase.existingSecret }}{{ .Values.externalDatabase.existingSecretPasswordKey }}{{ else }}password{{ end }}
{{- end }}

{{- define "portcullis.jdbcUrl" -}}
{{- if .Values.mariadb.enabled }}
{{- printf "jdbc:mariadb://%s:3306/%s" (include "portcullis.mariadbName" .) .Values.mariadb.database }}
{{- else if .Values.externalDatabase.jdbcUrl }}
{{- .Values.externalDatabase.jdbcUrl }}
{{- else }}
{{- printf "jdbc:mariadb://%s:%d/%s%s" (required "externalDatabase.host is required when mariadb.enabled is false" .Values.externalDatabase.host) (int .Values.externalDatabase.port) .Values.externalDatabase.database .Values.externalDatabase.jdbcParams }}
{{- end }}
{{- end }}

{{- define "portcullis.image" -}}
{{- include "portcullis.imageRef" (dict "ctx" . "ref" (printf "%s:%s" .Values.portcullis.image.repository (default .Chart.AppVersion .Values.portcullis.image.tag))) }}
{{- end }}

{{/*
An image reference, moved to global.imageRegistry when that is set (a mirror; Helm passes global to every
subchart): the reference's own registry host, if it names one, is replaced. Call with (dict "ctx" $ "ref" ref).
*/}}
{{- define "portcullis.imageRef" -}}
{{- $ref := .ref }}
{{- $registry := (.ctx.Values.global | default dict).imageRegistry }}
{{- if $registry }}
{{- $parts := splitList "/" $ref }}
{{- $first := first $parts }}
{{- if and (gt (len $parts) 1) (or (contains "." $first) (contains ":" $first) (eq "localhost" $first)) }}
{{- $ref = join "/" (rest $parts) }}
{{- end }}
{{- $ref = printf "%s/%s" (trimSuffix "/" $registry) $ref }}
{{- end }}
{{- $ref }}
{{- end }}

{{/*
imagePullSecrets of a pod: global.imagePullSecrets, imagePullSecrets and the workload's own (names or {name: ...}).
Call with (dict "ctx" $ "own" list); renders nothing when there are none.
*/}}
{{- define "portcullis.imagePullSecrets" -}}
{{- $names := list }}
{{- range concat ((.ctx.Values.global | default dict).imagePullSecrets | default list) (.ctx.Values.imagePullSecrets | default list) (.own | default list) }}
{{- if kindIs "string" . }}
{{- $names = append $names . }}
{{- else }}
{{- $names = append $names .name }}
{{- end }}
{{- end }}
{{- with uniq $names }}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end }}
{{- end }}

{{/* The public URL of Portcullis: the registry sends clients there for tokens (auth.token.realm). */}}
{{- define "portcullis.publicUrl" -}}
{{- printf "%s://%s" (ternary "https" "http" .Values.ingress.tls.enabled) .Values.portcullis.host }}
{{- end }}

{{/*
A value of a generated Secret that must survive `helm upgrade`: the value already stored in the cluster when
there is one (lookup), otherwise a new random one. Call with (dict "ctx" $ "secret" name "key" key "length" n
"value" "the value that brings the Secret instead"). Under `helm template` lookup finds nothing, so every render
generates, unless secrets.neverGenerate makes that an error.
*/}}
{{- define "portcullis.keptRandom" -}}
{{- $existing := lookup "v1" "Secret" .ctx.Release.Namespace .secret }}
{{- if and $existing $existing.data (hasKey $existing.data .key) }}
{{- index $existing.data .key }}
{{- else }}
{{- include "portcullis.refuseToGenerate" . }}
{{- randAlphaNum (int .length) | b64enc }}
{{- end }}
{{- end }}

{{/* Fails the render when secrets.neverGenerate is set: the chart was about to make up a secret. */}}
{{- define "portcullis.refuseToGenerate" -}}
{{- if .ctx.Values.secrets.neverGenerate }}
{{- fail (printf "secrets.neverGenerate is true and lookup found no Secret %s (helm template, Argo CD and other GitOps tools render without a cluster): create it yourself and set %s (chart README, \"GitOps\")" .secret .value) }}
{{- end }}
{{- end }}

{{/* The pod security context shared by Portcullis and the registry: non-root, fsGroup for mounted volumes. */}}
{{- define "portcullis.restrictedContainer" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* Who may reach the public ports when networkPolicy.allowExternal is false: the ingress controller, this release. */}}
{{- define "portcullis.publicPeers" -}}
{{- $np := .Values.networkPolicy -}}
- podSelector:
    {{- toYaml (default (dict) $np.ingressPodSelector) | nindent 4 }}
  {{- with $np.ingressNamespaceSelector }}
  namespaceSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
- podSelector:
    matchLabels:
      app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* host:port of the registry's Redis: the bundled one's Service, or registry.cache.redis.addr. */}}
{{- define "portcullis.redisAddr" -}}
{{- if .Values.registry.cache.redis.bundled }}
{{- printf "%s:6379" (include "portcullis.redisName" .) }}
{{- else }}
{{- required "registry.cache.redis.addr (host:port) is required for an external Redis (registry.cache.redis.bundled false)" .Values.registry.cache.redis.addr }}
{{- end }}
{{- end }}
