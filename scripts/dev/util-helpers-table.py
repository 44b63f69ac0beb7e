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
# What each helper accepts (see src/util/args.rs): "text" is any value by its Java string form
# (String.valueOf); "number" is any Number or a String holding one; "bool" is a Boolean or a
# String as Boolean.valueOf reads it; "list" is a List or a view of a Map's keys/values/entries.
accepts = {
 '$util': {'qr': 'any', 'quiet': 'any', 'toJson': 'any (a collection that contains itself: error)',
   'parseJson': 'any, as text; text that is not JSON gives null', 'autoId': '-', 'autoUlid': '-', 'autoKsuid': '-',
   'isNull': 'any', 'isNullOrEmpty': 'any: Map/List by size, others by string form',
   'isNullOrBlank': 'any: Map/List by size, others by string form', 'defaultIfNull': 'any, any',
   'defaultIfNullOrEmpty': 'any (as isNullOrEmpty), any', 'defaultIfNullOrBlank': 'any (as isNullOrBlank), any',
   'isString': 'any', 'isNumber': 'any', 'isBoolean': 'any', 'isList': 'any', 'isMap': 'any', 'typeOf': 'any',
   'matches': 'text, text (null: error; a pattern Java rejects: error)', 'authType': '-',
   'escapeJavaScript': 'text or null', 'urlEncode': 'text or null', 'urlDecode': 'text or null (bad `%` escape: error)',
   'base64Encode': 'list of bytes, or text or null', 'base64Decode': 'text or null (not base64: error)',
   'error': 'text, text, any, any', 'appendError': 'text, text, any, any',
   'validate': 'any (a non-Boolean is false only when null), text, text, any', 'unauthorized': '-'},
 '$util.log': {n: 'any...' for n in ['info', 'debug', 'warn', 'error']},
 '$util.time': {'nowISO8601': '-', 'nowEpochSeconds': '-', 'nowEpochMilliSeconds': '-',
   'nowFormatted': 'text[, text] (bad pattern or zone: error)',
   'parseFormattedToEpochMilliSeconds': 'text, text[, text] (text that does not parse: error)',
   'parseISO8601ToEpochMilliSeconds': 'text (not ISO 8601: error)', 'epochMilliSecondsToSeconds': 'number',
   'epochMilliSecondsToISO8601': 'number', 'epochMilliSecondsToFormatted': 'number, text[, text]'},
 '$util.list': {'copyAndRetainAll': 'list, list', 'copyAndRemoveAll': 'list, list', 'sortList': 'list, bool, text or null'},
 '$util.map': {'copyAndRetainAllKeys': 'Map, list', 'copyAndRemoveAllKeys': 'Map, list'},
 '$util.str': {'toUpper': 'text or null', 'toLower': 'text or null', 'toReplace': 'text or null, text, text',
   'normalize': 'text or null, text (nfc/nfd/nfkc/nfkd)'},
 '$util.math': {'roundNum': 'number', 'minVal': 'number, number', 'maxVal': 'number, number', 'randomDouble': '-',
   'randomWithinRange': 'number, number (as longs)'},
 '$util.dynamodb': {**{n: 'any' for n in ['toDynamoDB', 'toDynamoDBJson']},
   **{n: 'text or null' for n in ['toString', 'toStringJson']},
   **{n: 'list of non-null values, as text' for n in ['toStringSet', 'toStringSetJson', 'toBinarySet', 'toBinarySetJson']},
   **{n: 'number or null (text without a number: error)' for n in ['toNumber', 'toNumberJson']},
   **{n: 'list of numbers' for n in ['toNumberSet', 'toNumberSetJson']},
   **{n: 'text' for n in ['toBinary', 'toBinaryJson']},
   **{n: 'bool or null' for n in ['toBoolean', 'toBooleanJson']},
   **{n: '-' for n in ['toNull', 'toNullJson']},
   **{n: 'list or null' for n in ['toList', 'toListJson']},
   **{n: 'Map or null' for n in ['toMap', 'toMapJson']},
   **{n: 'Map' for n in ['toMapValues', 'toMapValuesJson']},
   **{n: 'text, text, text[, text]' for n in ['toS3Object', 'toS3ObjectJson']},
   'fromS3ObjectJson': 'text (not an S3 reference: error)'},
 '$util.transform': {'toDynamoDBFilterExpression': 'Map', 'toDynamoDBConditionExpression': 'Map',
   'toElasticsearchQueryDSL': 'Map', 'toSubscriptionFilter': 'Map[, list[, Map]]'},
 '$util.rds': {'toJsonString': 'text (RDS Data API result JSON)', 'toJsonObject': 'text (RDS Data API result JSON)'},
 '$util.http': {'copyHeaders': 'Map', 'addResponseHeader': 'text, any', 'addResponseHeaders': 'Map'},
 '$util.xml': {'toMap': 'text or null (not XML: error)', 'toJsonString': 'text or null[, bool]'},
 '$extensions': {'evictFromApiCache': 'text, text, Map', 'setSubscriptionFilter': 'Map, or JSON text',
   'setSubscriptionInvalidationFilter': 'Map, or JSON text', 'invalidateSubscriptions': 'Map'},
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
       '`case.json`). A helper called with a name or number of arguments it does not have renders as written, as in',
       'AppSync.', '',
       'AppSync\'s helpers are Java methods over `Object`s, and the resolvers that AWS\'s own generators emit pass them',
       'more than the guide\'s signatures say (Maps and Lists to `isNullOrEmpty`, Integers to `defaultIfNullOrBlank`,',
       'non-JSON claims to `parseJson`); those resolvers run in production. So the column *accepts* is wider than the',
       'guide: *text* is any value read by its Java string form (`String.valueOf`: `42`, `2.5`, `{k=v}`, `[a, 1]`);',
       '*number* is any number, or a String holding one; *bool* is a Boolean, or a String as `Boolean.valueOf` reads it;',
       '*list* is a List or a view of a Map. Only an argument that no reading fits (a Map where a number is needed,',
       'text that holds no number, null where Java would throw) is an `ErrorKind::UtilArgument` error naming the',
       'helper and the expected and given types. The `appsync-helpers/accepts-*` fixtures test these rules.', '']
missing = []
for ns, names in helpers.items():
    out.append(f'## `{ns}`'); out.append('')
    out.append('| helper | accepts | tested by |'); out.append('| --- | --- | --- |')
    for n in names:
        u = users(ns, n)
        if not u: missing.append(f'{ns}.{n}')
        shown = ', '.join(f'`{x}`' for x in u[:4]) + (f' (+{len(u)-4} more)' if len(u) > 4 else '')
        out.append(f'| `{n}` | {accepts[ns][n]} | {shown or "unit tests only"} |')
    out.append('')
open('docs/util-helpers.md', 'w').write('\n'.join(out))
print('missing:', missing)
