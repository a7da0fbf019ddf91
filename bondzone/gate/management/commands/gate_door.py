from bondzone.core.commands import ServiceCommand, id_argument
from bondzone.gate import services


class Command(ServiceCommand):
    help = ("库门: goods of one book item crossed a warehouse door between its non-bonded and bonded areas; "
            "records the crossing and posts its share of the status-change list it names.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--book", type=id_argument, required=True, help="account book id")
        parser.add_argument("--item", required=True, help="book item number")
        parser.add_argument("--quantity", required=True)
        parser.add_argument("--to", required=True, choices=["bonded", "non_bonded"], help="the status it takes")
        parser.add_argument("--door", required=True, help="the door's code")
        parser.add_argument("--reference", required=True, help="the approved status-change list's number")
        parser.add_argument("--event-id", required=True, help="unique per book: a repeat records nothing")
        parser.add_argument("--note", default="")

    def run(self, actor, **o):
        from_status = "non_bonded" if o["to"] == "bonded" else "bonded"
        record, replayed = services.record_door_passage(actor=actor, book_id=o["book"], data={
            "event_id": o["event_id"], "door": o["door"], "item_no": o["item"], "quantity": o["quantity"],
            "from_status": from_status, "to_status": o["to"], "reference": o["reference"], "note": o["note"]})
        self.stdout.write(f"Door passage {record.pk}: item {record.item_no} {record.quantity} "
                          f"{record.from_status} → {record.to_status}{' (already recorded)' if replayed else ''}")
