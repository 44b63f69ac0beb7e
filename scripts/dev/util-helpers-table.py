#!/usr/bin/env python3
"""Regenerates docs/util-helpers.md from the fixtures (run from the repository root)."""
import os, re, json
helpers = {
 '$util': ['qr','quiet','toJson','parseJson','autoId','autoUlid','autoKsuid','isNull','isNullOrEmpty','isNullOrBlank','defaultIfNull','defaultIfNullOrEmpty','defaultIfNullOrBlank','isString','isNumber','isBoolean','isList','isMap','typeOf','matches','authType','escapeJavaScript','urlEncode','urlDecode','base64Encode','base64Decode','error','appendError','validate','unauthorized'],
 '$util.log': ['info','debug','warn','error'],
 '$util.time': ['nowISO8601','nowEpochSeconds','nowEpochMilliSeconds','nowFormatted','parseFormattedToEpochMilliSeconds','parseISO8601ToEpochMilliSeconds','epochMilliSecondsToSeconds','epochMilliSecondsToISO8601','epochMilliSecondsToFormatted'],
 '$util.list': ['copyAndRetainAll','copyAndRemoveAll','sortList'],
 '$util.map': ['copyAndRetainAllKeys','copyAndRemoveAllKeys'],
 '$util.str': ['toUpper','toLower','toReplace','normalize'],
 '$util.math': ['roundNum','minVal','maxVal','randomDouble','randomWithinRange'],
 '$util.dynamodb': ['toDynamoDB','toDynamoDBJson','toString','toStringJson','toStringSet','toStringSetJson','toNumber','toNumberJson','toNumberSet','toNumberSetJson','toBinary','toBinaryJson','toBinarySet','toBinarySetJson','toBoolean','toBooleanJson','toNull','toNullJson','toList','toListJson','toMap','toMapJson','toMapValues','toMapValuesJson','toS3Object','toS3ObjectJson','fromS3ObjectJson'],
 '$util.transform': ['toDynamoDBFilterExpression','toDynamoDBConditionExpression','toElasticsearchQueryDSL','toSubscriptionFilter'],
 '$util.rds': ['toJsonString','toJsonObject'],
 '$util.http': ['copyHeaders','addResponseHeader','addResponseHeaders'],
 '$util.xml': ['toMap','toJsonString'],
 '$extensions': ['evictFromApiCache','setSubscriptionFilter','setSubscriptionInvalidationFilter','invalidateSubscriptions'],
}
fixtures = {}
for folder in ['appsync-docs', 'appsync-helpers']:
    for d in sorted(os.listdir(f'fixtures/{folder}')):
        fixtures[f'{folder}/{d}'] = open(f'fixtures/{folder}/{d}/template.vtl').read()
def users(ns, name):
    prefixes = [ns]
    if ns.startswith('$util'):
        prefixes.append(ns.replace('$util', '$utils'))
    pat = re.compile('|'.join(re.escape(p + '.' + name) + r'\(' for p in prefixes))
    return [f for f, t in fixtures.items() if pat.search(t)]
out = ['# `$util` and `$extensions` helpers', '',
       'Every helper the engine implements, and the fixtures that test it (under `fixtures/`). `appsync-docs/*` are the',
       'AWS documentation vectors; `appsync-helpers/*` cover what the documentation does not (each says its basis in',
       '`vector.json`). A helper called with a name or number of arguments it does not have renders as written, as in',
       'AppSync; one called with arguments of the wrong type is an `ErrorKind::UtilArgument` error naming the helper and',
       'the expected and given types.', '']
missing = []
for ns, names in helpers.items():
    out.append(f'## `{ns}`'); out.append('')
    out.append('| helper | supported | tested by |'); out.append('| --- | --- | --- |')
    for n in names:
        u = users(ns, n)
        if not u: missing.append(f'{ns}.{n}')
        shown = ', '.join(f'`{x}`' for x in u[:4]) + (f' (+{len(u)-4} more)' if len(u) > 4 else '')
        out.append(f'| `{n}` | yes | {shown or "unit tests only"} |')
    out.append('')
open('docs/util-helpers.md', 'w').write('\n'.join(out))
print('missing:', missing)
