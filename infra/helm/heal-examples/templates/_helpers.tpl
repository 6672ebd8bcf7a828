{{/*
The image of one service: registry/name@digest when the release pinned a digest, else
registry/name:tag (tag defaults to the chart's appVersion). Call with (list . "orders-service").
*/}}
{{- define "heal-examples.image" -}}
{{- $root := index . 0 -}}
{{- $name := index . 1 -}}
{{- $digest := index $root.Values.image.digests $name | default "" -}}
{{- if $digest -}}
{{ $root.Values.image.registry }}/{{ $name }}@{{ $digest }}
{{- else -}}
{{ $root.Values.image.registry }}/{{ $name }}:{{ $root.Values.image.tag | default $root.Chart.AppVersion }}
{{- end -}}
{{- end -}}
