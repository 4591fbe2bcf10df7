// A bare Bun binary that prints one line and exits: the cold-start reference ("print one line, compiled").
console.log('{"id":1,"success":true}');
