using System.Collections.Specialized;
using System.Management.Automation;
using Sheriff.Core.Sql;
using Sheriff.PowerShell.Infrastructure;
using Xunit;

namespace Sheriff.PowerShell.Tests;

/// <summary>Result rows to PSCustomObjects: column order, nested structs/arrays/maps, names PowerShell would see as one.</summary>
public class SqlRowConverterTests
{
    private static SqlColumn Column(string name, string type) => new(name, SqlType.Parse(type));

    [Fact]
    public void ARow_IsAPSCustomObject_WithTheColumnsInOrder_AndTheValuesAsTheyAre()
    {
        var converter = new SqlRowConverter(new[] { Column("z", "int"), Column("a", "string"), Column("m", "map<string,int>") });
        var map = new OrderedDictionary { ["k"] = 1 };
        var o = converter.ToObject(new object?[] { 5, null, map });
        Assert.IsType<PSCustomObject>(o.BaseObject);
        Assert.Equal(new[] { "z", "a", "m" }, o.Properties.Select(p => p.Name));
        Assert.Equal(5, o.Properties["z"].Value);
        Assert.Null(o.Properties["a"].Value);
        Assert.Same(map, o.Properties["m"].Value); // no struct inside: not copied
    }

    [Fact]
    public void Structs_BecomePSCustomObjects_AlsoInsideArraysAndMaps()
    {
        var type = SqlType.Parse("array<struct<a:int,b:map<string,struct<c:int>>>>");
        var inner = new SqlStruct(type.ElementType!.Fields[1].Type.ValueType!.FieldNames, new object?[] { 7 });
        var outer = new SqlStruct(type.ElementType.FieldNames, new object?[] { 1, new OrderedDictionary { ["k"] = inner } });
        var o = new SqlRowConverter(new[] { new SqlColumn("list", type) }).ToObject(new object?[] { new object?[] { outer, null } });
        var list = Assert.IsType<object?[]>(o.Properties["list"].Value);
        var first = Assert.IsType<PSObject>(list[0]);
        Assert.Equal(1, first.Properties["a"].Value);
        var b = Assert.IsType<OrderedDictionary>(first.Properties["b"].Value);
        Assert.Equal(7, Assert.IsType<PSObject>(b["k"]).Properties["c"].Value);
        Assert.Null(list[1]);
    }

    [Fact]
    public void NamesThatDifferOnlyInCase_GetASuffix_AndAreReported()
    {
        var converter = new SqlRowConverter(new[] { Column("id", "int"), Column("ID", "int"), Column("id_2", "int"), Column("", "int") });
        Assert.Equal(new[] { "id", "ID_2", "id_2_2", "col4" }, converter.PropertyNames);
        Assert.Equal(2, converter.Renamed.Count);
        var o = converter.ToObject(new object?[] { 1, 2, 3, 4 });
        Assert.Equal(new object[] { 1, 2, 3, 4 }, o.Properties.Select(p => p.Value));

        var type = SqlType.Parse("struct<a:int,A:int>");
        var s = (PSObject)SqlRowConverter.Convert(new SqlStruct(type.FieldNames, new object?[] { 1, 2 }))!;
        Assert.Equal(new[] { "a", "A_2" }, s.Properties.Select(p => p.Name));
    }

    [Fact]
    public void ReadFile_ConvertsEveryRow()
    {
        var path = Path.Combine(Path.GetTempPath(), "sheriff-rows-" + Guid.NewGuid().ToString("n") + ".json");
        File.WriteAllText(path, "{\"status\":\"succeeded\",\"columns\":[{\"name\":\"d\",\"type\":\"date\"},{\"name\":\"s\",\"type\":\"struct<x:double>\"}]," +
            "\"rows\":[[\"2026-11-26\",{\"x\":\"NaN\"}],[null,null]]}");
        try
        {
            var rows = SqlRowConverter.ReadFile(path);
            Assert.Equal(2, rows.Count);
            Assert.Equal(new DateTime(2026, 11, 26), rows[0].Properties["d"].Value);
            Assert.True(double.IsNaN((double)((PSObject)rows[0].Properties["s"].Value).Properties["x"].Value));
            Assert.Null(rows[1].Properties["s"].Value);
        }
        finally { File.Delete(path); }
    }
}
