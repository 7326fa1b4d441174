using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Management.Automation;
using System.Runtime.CompilerServices;
using Sheriff.Core.Sql;

namespace Sheriff.PowerShell.Infrastructure
{
    /// <summary>
    /// Turns SQL result rows (typed CLR values from <see cref="SqlResultReader"/>) into PowerShell objects: one
    /// PSCustomObject per row with a note property per column, in column order. Structs become PSCustomObjects, arrays
    /// object[], maps ordered hashtables ([ordered] = OrderedDictionary); scalars stay as they are. Column names that
    /// PowerShell would see as the same property (they are case-insensitive) get a suffix: id, id_2.
    /// Invoke-SparkSql uses it; it is public so that benchmarks and scripts can read a result file directly.
    /// </summary>
    public sealed class SqlRowConverter
    {
        private readonly string[] _names;
        private readonly bool[] _walk;

        public SqlRowConverter(IReadOnlyList<SqlColumn> columns)
        {
            if (columns == null) throw new ArgumentNullException(nameof(columns));
            _names = new string[columns.Count];
            _walk = new bool[columns.Count];
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var renamed = new List<string>();
            for (var i = 0; i < columns.Count; i++)
            {
                var name = string.IsNullOrEmpty(columns[i].Name) ? "col" + (i + 1) : columns[i].Name;
                if (!seen.Add(name))
                {
                    var n = 2;
                    while (!seen.Add(name + "_" + n)) n++;
                    renamed.Add($"{name} -> {name}_{n}");
                    name = name + "_" + n;
                }
                _names[i] = name;
                _walk[i] = columns[i].Type.ContainsStruct;
            }
            Renamed = renamed;
        }

        /// <summary>The property names, in column order.</summary>
        public IReadOnlyList<string> PropertyNames => _names;

        /// <summary>Columns renamed because PowerShell properties must differ case-insensitively ("a -> a_2").</summary>
        public IReadOnlyList<string> Renamed { get; }

        /// <summary>One row as a PSCustomObject.</summary>
        public PSObject ToObject(object?[] row)
        {
            var result = new PSObject();
            var properties = result.Properties;
            for (var i = 0; i < _names.Length; i++)
            {
                var value = row[i];
                if (_walk[i] && value != null) value = Convert(value);
                // preValidated: the names are distinct (case-insensitively) by construction, so skip the collection's checks
                properties.Add(new PSNoteProperty(_names[i], value), true);
            }
            return result;
        }

        /// <summary>A nested value for PowerShell: structs to PSCustomObjects, inside arrays and maps too.</summary>
        public static object? Convert(object? value)
        {
            switch (value)
            {
                case null: return null;
                case SqlStruct s:
                {
                    var o = new PSObject();
                    var names = PropertyNamesOf(s.Names);
                    for (var i = 0; i < s.Values.Length; i++) o.Properties.Add(new PSNoteProperty(names[i], Convert(s.Values[i])), true);
                    return o;
                }
                case object?[] array:
                {
                    var copy = new object?[array.Length];
                    for (var i = 0; i < array.Length; i++) copy[i] = Convert(array[i]);
                    return copy;
                }
                case OrderedDictionary map:
                {
                    var copy = new OrderedDictionary(map.Count);
                    foreach (DictionaryEntry entry in map) copy[Convert(entry.Key)!] = Convert(entry.Value);
                    return copy;
                }
                default: return value;
            }
        }

        // Struct field names made distinct case-insensitively (a_2 ...), once per struct type (its names array).
        private static readonly ConditionalWeakTable<IReadOnlyList<string>, string[]> StructNames = new ConditionalWeakTable<IReadOnlyList<string>, string[]>();

        private static string[] PropertyNamesOf(IReadOnlyList<string> fieldNames)
            => StructNames.GetValue(fieldNames, names =>
            {
                var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                var result = new string[names.Count];
                for (var i = 0; i < result.Length; i++)
                {
                    var name = string.IsNullOrEmpty(names[i]) ? "col" + (i + 1) : names[i];
                    var candidate = name;
                    for (var n = 2; !seen.Add(candidate); n++) candidate = name + "_" + n;
                    result[i] = candidate;
                }
                return result;
            });

        /// <summary>Reads a result file and converts every row (for scripts and benchmarks; Invoke-SparkSql streams instead).</summary>
        public static List<PSObject> ReadFile(string path)
        {
            var rows = new List<PSObject>();
            SqlRowConverter? converter = null;
            SqlResultReader.ReadFile(path, (result, row) =>
            {
                converter ??= new SqlRowConverter(result.Columns);
                rows.Add(converter.ToObject(row));
            });
            return rows;
        }
    }
}
